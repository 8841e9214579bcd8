/** A command's stderr without the line that says it reused the last synth (lib/project/synth.ts), for tests that expect nothing else there. */
import { REUSED_LINE } from '../../lib/project/synth';

export const withoutSynthReuse = (stderr: string): string => stderr.replace(REUSED_LINE, '');
