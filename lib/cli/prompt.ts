import * as readline from 'node:readline';
import { UserError } from './errors';

/**
 * Terraform's approval: on a terminal, ask and accept only `yes`; without one, refuse unless the
 * caller passed --auto-approve (a CI job must say so explicitly).
 */
export async function confirmApply(question: string, autoApprove: boolean): Promise<boolean> {
  if (autoApprove) return true;
  if (!process.stdin.isTTY) {
    throw new UserError('apply needs approval but no terminal is attached — pass --auto-approve, or apply a saved plan file (`kestraform plan --out FILE` then `kestraform apply FILE`)');
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await new Promise<string>((resolve) => rl.question(`${question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `, resolve));
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}
