/**
 * Kestra parses flows with FAIL_ON_UNKNOWN_PROPERTIES: a top-level key neither Kestra line knows is
 * an error; a key only the other line knows is a warning for the line targeted.
 */
import { checkFlow } from '../../lib/flowrules';

const flow = (extra: Record<string, unknown>) => ({ id: 'f', namespace: 'company.team', tasks: [{ id: 't', type: 'io.kestra.plugin.core.log.Log' }], ...extra });
const keyFindings = (extra: Record<string, unknown>, kestraMajor: 1 | 2) =>
  checkFlow(flow(extra), { kestraMajor })
    .filter((v) => v.path.length === 1 && Object.keys(extra).includes(String(v.path[0])))
    .map((v) => `${v.severity} ${v.path[0]}${v.at === 'key' ? ' (key)' : ''}`);

describe('top-level flow properties', () => {
  it('accepts every property of the 2.0 and 1.3 flow schemas', () => {
    const known = { description: 'd', labels: {}, inputs: [], outputs: [], variables: {}, errors: [], finally: [], afterExecution: [], triggers: [], disabled: false, concurrency: { limit: 1 }, retry: {}, sla: [], checks: [], revision: 3 };
    expect(keyFindings(known, 2)).toEqual([]);
    expect(keyFindings(known, 1)).toEqual([]);
  });

  it('refuses a property Kestra does not know, pointing at its key', () => {
    expect(keyFindings({ title: 'x' }, 2)).toEqual(['error title (key)']);
    expect(keyFindings({ extend: {} }, 1)).toEqual(['error extend (key)']);
  });

  it("warns of a property only the other Kestra line's schema has", () => {
    expect(keyFindings({ listeners: [] }, 2)).toEqual(['warning listeners (key)']);
    expect(keyFindings({ listeners: [] }, 1)).toEqual([]);
    expect(keyFindings({ workerSelector: {} }, 1)).toEqual(['warning workerSelector (key)']);
    expect(keyFindings({ workerSelector: {} }, 2)).toEqual([]);
  });
});
