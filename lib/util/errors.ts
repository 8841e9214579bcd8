/**
 * The one base class of errors meant for the user: their message already says what was wrong,
 * where, and what to do, so the CLI prints it without a stack trace. Anything else that escapes
 * a command is a bug and is reported as one.
 */
export class UserFacingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
