/**
 * The emulator's flow routes against what Kestra's FlowController and FlowService do: the validate
 * endpoint (YAML body split as Java splits it, multipart `flows` parts trimmed with their file names
 * echoed, fields only for a flow that parsed, `outdated` only with `revision:`), checks' deprecated
 * `condition` alias, `kestra.require-existing-namespace`, the by-ids operations, the source search
 * and the exports.
 */
import { unzipSync, strFromU8 } from 'fflate';
import { startKestraServer, type RunningKestraServer } from '../../../lib/server';
import { injectDisabled, javaSplit, namespaceExists } from '../../../lib/server/routes/flows';
import { javaTrim } from '../../../lib/server/flow-parse';
import { Store } from '../../../lib/server/store';

const FLOW = (id: string, ns = 'company.team', extra = '') => `id: ${id}\nnamespace: ${ns}\n${extra}tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;
const yaml = { 'Content-Type': 'application/x-yaml' };

describe.each([2, 1] as const)('flow routes of the %i.x emulation', (major) => {
  let s: RunningKestraServer;
  let base: string;
  const post = (p: string, body: string, method = 'POST') => fetch(`${base}${p}`, { method, body, headers: yaml });
  const validate = async (body: string | FormData) => (await fetch(`${base}/flows/validate`, { method: 'POST', body, headers: typeof body === 'string' ? yaml : {} })).json();
  beforeEach(async () => {
    s = await startKestraServer({ port: 0, kestraMajor: major });
    base = `${s.url}/api/v1/main`;
  });
  afterEach(() => s.close());

  describe('POST /flows/validate', () => {
    it('takes multipart `flows` parts, one answer each, trimmed, with the file name echoed', async () => {
      const form = new FormData();
      form.append('flows', new Blob([`\n\n# owned by the data team\n---\n${FLOW('a')}\n\n`]), 'a.yml');
      form.append('flows', new Blob([`---\n${FLOW('b')}`]), 'b.yml');
      form.append('flows', new Blob(['id: c\nnamespace: company.team\n']), 'c.yml');
      const answers = await validate(form);
      expect(answers).toEqual([
        { index: 0, flow: 'a', namespace: 'company.team', filename: 'a.yml', outdated: false, deprecationPaths: [], warnings: [], infos: [] },
        { index: 1, flow: 'b', namespace: 'company.team', filename: 'b.yml', outdated: false, deprecationPaths: [], warnings: [], infos: [] },
        expect.objectContaining({ index: 2, flow: 'c', filename: 'c.yml', constraints: expect.stringMatching(/^Validation error: tasks: /) }),
      ]);
      expect(s.log.entries().map((e) => [e.operationId, e.status])).toEqual([['validateFlows', 200]]);
    });

    it('trims a YAML body and splits it as Java does: an empty document between separators is kept, trailing ones are not', async () => {
      expect((await validate(`\n\n${FLOW('a')}---\n`)).map((a: { flow?: string }) => a.flow)).toEqual(['a']);
      const three = await validate(`${FLOW('a')}---\n---\n${FLOW('b')}`);
      expect(three.map((a: { index: number; flow?: string }) => [a.index, a.flow])).toEqual([[0, 'a'], [1, undefined], [2, 'b']]);
      expect(three[1].constraints).toBeDefined();
    });

    it('names the flow, and lists warnings, only for a source that parses', async () => {
      const [unparsable, invalid] = await validate(`id: x\nnamespace: company.team\ntasks: [\n---\nid: y\nnamespace: company.team\n`);
      expect(unparsable).toEqual({ index: 0, constraints: expect.stringContaining('Illegal flow yaml'), outdated: false });
      expect(invalid).toMatchObject({ index: 1, flow: 'y', namespace: 'company.team', constraints: expect.stringMatching(/^Validation error: tasks: /), warnings: [] });
      const [unknownProperty] = await validate(FLOW('z', 'company.team', 'colour: blue\n'));
      expect(Object.keys(unknownProperty).sort()).toEqual(['constraints', 'index', 'outdated']);
    });

    it('says outdated only for a source whose revision: is not the next one', async () => {
      await post('/flows', FLOW('r'));
      const answers = await validate([FLOW('r'), `revision: 2\n${FLOW('r')}`, `revision: 1\n${FLOW('r')}`, `revision: 1\n${FLOW('new')}`, `revision: 3\n${FLOW('new')}`].join('---\n'));
      expect(answers.map((a: { outdated: boolean }) => a.outdated)).toEqual([false, false, true, false, true]);
    });

    it('answers another content type with 415', async () => {
      const r = await fetch(`${base}/flows/validate`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
      expect(r.status).toBe(415);
      expect(JSON.stringify(await r.json())).toContain('Content Type [application/json] not allowed. Allowed types: [application/x-yaml, multipart/form-data]');
    });
  });

  it("accepts checks' `condition` (2.0: a deprecated alias of `when`, with a warning; 1.x: its own syntax)", async () => {
    const flow = FLOW('checked', 'company.team', 'checks:\n  - condition: "{{ inputs.x > 0 }}"\n    message: x must be positive\n');
    const [answer] = await validate(flow);
    expect(answer.constraints).toBeUndefined();
    expect(answer.warnings).toEqual(major === 2 ? [expect.stringContaining('check `condition` is deprecated in Kestra 2.0')] : []);
    expect((await post('/flows', flow)).status).toBe(200);
  });

  it('refuses the first flow of a namespace only with kestra.require-existing-namespace: true', async () => {
    expect((await post('/flows', FLOW('a', 'fresh.team'))).status).toBe(200);
    const strict = await startKestraServer({ port: 0, kestraMajor: major, requireExistingNamespace: true });
    try {
      const api = `${strict.url}/api/v1/main`;
      const message = "Invalid Flow: Namespace 'company.team' does not exist but is required to exist before a flow can be created in it.";
      const refused = await fetch(`${api}/flows`, { method: 'POST', body: FLOW('a'), headers: yaml });
      expect(refused.status).toBe(422);
      const body = await refused.json();
      if (major === 1) expect(body).toEqual({ message: `Invalid entity: : ${message}`, _links: { self: { href: '/api/v1/main/flows', templated: false } }, _embedded: { errors: [{ message, path: '' }] } });
      else expect(body).toMatchObject({ type: 'https://kestra.io/docs/api-reference/problems/validation-failed', status: 422, detail: `: ${message}`, errors: [{ detail: message }] });
      const [answer] = await (await fetch(`${api}/flows/validate`, { method: 'POST', body: FLOW('a'), headers: yaml })).json();
      expect(answer).toMatchObject({ flow: 'a', namespace: 'company.team', constraints: `Validation error:  ${message}` });
    } finally {
      await strict.close();
    }
  });

  it('deletes, disables and enables by ids, in order, stopping with 404 at a flow that is not there', async () => {
    for (const id of ['a', 'b', 'c']) await post('/flows', FLOW(id));
    const ids = (...xs: string[]) => JSON.stringify(xs.map((id) => ({ namespace: 'company.team', id })));
    const send = (method: string, p: string, body: string) => fetch(`${base}${p}`, { method, body, headers: { 'Content-Type': 'application/json' } });
    expect(await (await send('POST', '/flows/disable/by-ids', ids('a', 'b'))).json()).toEqual({ count: 2 });
    expect(await (await send('POST', '/flows/disable/by-ids', ids('a'))).json()).toEqual({ count: 0 }); // already disabled
    const a = await (await fetch(`${base}/flows/company.team/a?source=true`)).json();
    expect(a).toMatchObject({ revision: 2, disabled: true, source: `${FLOW('a')}\ndisabled: true` });
    expect(await (await send('POST', '/flows/enable/by-ids', ids('a'))).json()).toEqual({ count: 1 });
    expect((await (await fetch(`${base}/flows/company.team/a?source=true`)).json()).source).toBe(`${FLOW('a')}\ndisabled: false\n`);
    const missing = await send('DELETE', '/flows/delete/by-ids', ids('c', 'nope', 'b'));
    expect(missing.status).toBe(404);
    expect(JSON.stringify(await missing.json())).toContain('No value present');
    expect((await fetch(`${base}/flows/company.team`).then((r) => r.json())).map((f: { id: string }) => f.id).sort()).toEqual(['a', 'b']); // c went first
    expect(await (await send('DELETE', '/flows/delete/by-ids', ids('a', 'b'))).json()).toEqual({ count: 2 });
    expect(s.log.entries().filter((e) => e.method !== 'GET').map((e) => e.operationId)).toContain('deleteFlowsByIds');
  });

  it('searches sources (not namespace "source"), paged, with a marked fragment', async () => {
    await post('/flows', FLOW('a', 'company.team', 'description: Nightly LOAD of the warehouse\n'));
    await post('/flows', FLOW('b', 'company.team.child'));
    await post('/flows', FLOW('c', 'other'));
    const found = await (await fetch(`${base}/flows/source?q=load&namespace=company.team`)).json();
    expect(found.total).toBe(1);
    expect(found.results[0].model).toMatchObject({ id: 'a', namespace: 'company.team' });
    expect(found.results[0].model.source).toBeUndefined();
    expect(found.results[0].fragments).toEqual(['namespace: company.team\ndescription: Nightly [mark]LOAD[/mark] of the warehouse\ntasks:\n  - id: log']);
    const all = await (await fetch(`${base}/flows/source?namespace=company.team&size=1&page=2`)).json();
    expect(all).toMatchObject({ total: 2, results: [{ model: { id: 'b' } }] });
  });

  it('exports by query as <ns>-<id>.yml and by ids as <ns>.<id>.yaml, lists no revision of an unknown flow', async () => {
    await post('/flows', FLOW('a'));
    const byQuery = unzipSync(new Uint8Array(await (await fetch(`${base}/flows/export/by-query?filters[namespace][EQUALS]=company.team`)).arrayBuffer()));
    expect(Object.keys(byQuery)).toEqual(['company.team-a.yml']);
    const byIds = await fetch(`${base}/flows/export/by-ids`, { method: 'POST', body: JSON.stringify([{ namespace: 'company.team', id: 'a' }]), headers: { 'Content-Type': 'application/json' } });
    const entries = unzipSync(new Uint8Array(await byIds.arrayBuffer()));
    expect(Object.keys(entries)).toEqual(['company.team.a.yaml']);
    expect(strFromU8(entries['company.team.a.yaml'])).toBe(FLOW('a'));
    const revisions = await fetch(`${base}/flows/company.team/nope/revisions`);
    expect([revisions.status, await revisions.json()]).toEqual([200, []]);
  });
});

describe('the Java behaviours the emulator copies', () => {
  it('trims as String.trim and splits as String.split', () => {
    expect(javaTrim('\u0000\t a \n\u001f')).toBe('a');
    expect(javaTrim('\u00a0a\u00a0')).toBe('\u00a0a\u00a0'); // not a char <= U+0020
    expect(javaSplit('a\n---\n---', /\n+---\n*?/)).toEqual(['a']);
    expect(javaSplit('a\n---\n---\nb', /\n+---\n*?/)).toEqual(['a', '', '\nb']);
    expect(javaSplit('', /\n+---\n*?/)).toEqual(['']);
  });

  it('injects disabled: as FlowService.injectDisabled', () => {
    expect(injectDisabled('id: a\n', true)).toBe('id: a\n\ndisabled: true');
    expect(injectDisabled('id: a\ndisabled: false\n\ntasks: []\n', true)).toBe('id: a\ndisabled: true\ntasks: []\n');
    expect(injectDisabled('id: a\ndisabled: true\n', true)).toBe('id: a\ndisabled: true\n\ndisabled: true');
  });

  it('counts a namespace as existing as FlowRepositoryInterface.isNamespaceExists does', () => {
    const store = new Store();
    store.saveFlow({ namespace: 'company.team', id: 'a', revisions: [{ revision: 1, source: '', deleted: false, updated: '' }] });
    store.saveFlow({ namespace: 'gone', id: 'a', revisions: [{ revision: 1, source: '', deleted: false, updated: '' }, { revision: 2, source: '', deleted: true, updated: '' }] });
    expect(['company', 'company.team', 'comp', 'company.team.new', 'company.other', 'gone'].map((ns) => namespaceExists(store, ns))).toEqual([true, true, true, false, false, false]);
  });
});
