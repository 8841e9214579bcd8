/** The repository's own CI recipe is the one init writes for a stack, so the two never drift apart. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { renderWorkflow } from '../../lib/init/render';

describe('the GitHub Actions recipe', () => {
  it('in examples/ci is what init writes for the example stack', () => {
    expect(fs.readFileSync(path.resolve(__dirname, '../../examples/ci/kestraform.yml'), 'utf8')).toBe(renderWorkflow('example', 'main'));
  });

  it('is valid YAML naming the stack in every kestraform command, and applies only a reviewed plan', () => {
    const text = renderWorkflow('prod-eu', 'trunk');
    const doc = parse(text) as { on: { push: { branches: string[] } }; jobs: Record<string, { steps: { run?: string }[] }> };
    expect(doc.on.push.branches).toEqual(['trunk']);
    const runs = Object.values(doc.jobs).flatMap((j) => j.steps.map((s) => s.run ?? '')).join('\n');
    for (const line of runs.split('\n').filter((l) => /npx kestraform (plan|drift)/.test(l))) expect(line).toContain('--stack prod-eu');
    expect(doc.jobs.apply.steps.map((s) => s.run ?? '').join('\n')).toContain('npx kestraform apply plan.json');
  });
});

describe('the recipe for a pnpm or yarn repository', () => {
  it('installs and runs kestraform with that package manager', () => {
    const pnpm = renderWorkflow('main', 'main', 'pnpm');
    expect(pnpm).toContain('uses: pnpm/action-setup@v4');
    expect(pnpm).toContain('run: pnpm install --frozen-lockfile');
    expect(pnpm).toContain('pnpm exec kestraform plan --stack main');
    expect(pnpm).not.toMatch(/npm ci|npx /);
    const yarn = renderWorkflow('main', 'main', 'yarn');
    expect(yarn).toContain('cache: yarn');
    expect(yarn).toContain('yarn kestraform drift --stack main');
  });
});
