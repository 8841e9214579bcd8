/**
 * The project: the folder holding cdktf.json, its app command, output folder and context.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { UserFacingError } from '../util/errors';

const cdktfJson = z.object({
  app: z.string().min(1),
  output: z.string().default('cdktf.out'),
  context: z.record(z.string(), z.unknown()).default({}),
});

export interface Project {
  dir: string;
  app: string;
  outDir: string;
  context: Record<string, unknown>;
}

export class ProjectError extends UserFacingError {
}

/** Finds cdktf.json in `start` or its parents. */
export function loadProject(start = process.cwd()): Project {
  let dir = path.resolve(start);
  for (;;) {
    const file = path.join(dir, 'cdktf.json');
    if (fs.existsSync(file)) {
      let raw: unknown;
      try {
        raw = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (e) {
        throw new ProjectError(`${file}: not valid JSON (${(e as Error).message}) — fix the file`);
      }
      const parsed = cdktfJson.safeParse(raw);
      if (!parsed.success) {
        throw new ProjectError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')} — it needs at least "app" (the command that synthesizes)`);
      }
      return { dir, app: parsed.data.app, outDir: path.resolve(dir, parsed.data.output), context: parsed.data.context };
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new ProjectError(`no cdktf.json in ${path.resolve(start)} or any parent folder — run kestraform inside a kestraform project`);
    dir = parent;
  }
}
