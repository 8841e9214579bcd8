/** Kestra's error text in a parsed error body, on each line: 2.x's problem `detail`, 1.x's `message`. */
export const errorTextOf = (major: 1 | 2, body: { detail?: string; message?: string }): string | undefined => (major === 2 ? body.detail : body.message);
