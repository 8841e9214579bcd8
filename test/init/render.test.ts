/** The stack init writes: the edition it proposes, commented out, when the repository holds objects only Kestra Enterprise takes. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { propose } from '../../lib/init/propose';
import { previewStack } from '../../lib/init/preview';
import { renderStack } from '../../lib/init/render';
import { scanRepository } from '../../lib/init/scan';

const FLOW = (id: string, ns: string) => `id: ${id}\nnamespace: ${ns}\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

function rendered(files: Record<string, string>): { code: string; unmapped: string[] } {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kf-render-')));
  try {
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), content);
    }
    const proposal = propose(scanRepository(root), { files: [], kv: [] });
    return { code: renderStack('main', proposal, previewStack(root, 'main', proposal), 'kestraform init'), unmapped: proposal.unmapped.map((u) => u.file) };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

describe('the stack init writes', () => {
  it("proposes edition: 'ee', commented out and saying why, when the tree holds apps, tests or namespace objects", () => {
    const { code, unmapped } = rendered({
      'kestra/company.team/flows/hello.yml': FLOW('hello', 'company.team'),
      'kestra/company.team/apps/form.yaml': 'id: form\nnamespace: company.team\ntype: io.kestra.plugin.ee.apps.App\n',
      'kestra/company.team/tests/t.yaml': 'id: t\nnamespace: company.team\nflowId: hello\ntestCases:\n  - id: c\n    type: io.kestra.core.tests.flow.UnitTest\n    assertions: []\n',
      'kestra/company.team/namespace.yaml': 'description: The team\n',
    });
    const options = code.slice(code.indexOf('super(scope, id, {'), code.indexOf('});'));
    const comments = options.split('\n').filter((l) => l.trim().startsWith('//')).map((l) => l.trim().replace(/^\/\/\s*/, '')).join(' ');
    expect(comments).toContain('This repository also holds 1 namespace object, 1 app, 1 unit test that only Kestra Enterprise takes (listed by validate and plan, not deployed). Deploying to Kestra Enterprise? Set the edition to deploy them too:');
    expect(options).toMatch(/\n {6}\/\/ edition: 'ee',\n/);
    expect(options).not.toMatch(/^\s+edition:/m);
    // The namespace's properties are the tree source's, not a YAML file left unmapped.
    expect(unmapped).toEqual([]);
  });

  it('proposes no edition for a tree of flows alone', () => {
    expect(rendered({ 'kestra/company.team/flows/hello.yml': FLOW('hello', 'company.team') }).code).not.toContain('edition');
  });
});
