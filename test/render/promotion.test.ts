/**
 * The promotion view drawn (lib/render/promotion): a text table for a reviewer, Markdown for a
 * pull request (with status icons), JSON for machines.
 */
import { renderPromotionJson, renderPromotionMarkdown, renderPromotionText } from '../../lib/render/promotion';
import type { PromotionView } from '../../lib/engine/promotion';
import { KESTRAFORM_VERSION } from '../../lib/version';

/** dev and prod deploy the same tree under different namespaces; a preview shares dev's tenant. */
const VIEW: PromotionView = {
  columns: [
    { stack: 'dev', environment: 'dev', target: { url: 'http://localhost:8080', tenant: 'main' } },
    { stack: 'prod', environment: 'production', target: { url: 'https://kestra.example.com', tenant: 'acme' } },
  ],
  rows: [
    { kind: 'flow', source: 'tree/company.team/flows/hello.yml', cells: { dev: { address: 'flow:company.team/hello', status: 'in-sync' }, prod: { address: 'flow:prod.company.team/hello', status: 'drifted', pending: 'update' } } },
    { kind: 'flow', source: 'tree/company.team/flows/only-dev.yml', cells: { dev: { address: 'flow:company.team/only-dev', status: 'pending', pending: 'create' }, prod: { status: 'absent' } } },
    { kind: 'kv', source: 'tree/company.team/kv.yaml API_URL', cells: { dev: { address: 'kv:company.team/API_URL', status: 'pending', pending: 'update' }, prod: { address: 'kv:prod.company.team/API_URL', status: 'in-sync' } } },
  ],
};

describe('renderPromotionText', () => {
  it('draws one row per object and one column per stack, then the targets and totals', () => {
    expect(renderPromotionText(VIEW, { color: false })).toBe(
      [
        'Status of every environment against Git',
        '',
        '  object                                     dev             prod (production)',
        '  flow tree/company.team/flows/hello.yml     in sync         drifted',
        '  flow tree/company.team/flows/only-dev.yml  pending create  -',
        '  kv tree/company.team/kv.yaml API_URL       pending update  in sync',
        '',
        '  dev: http://localhost:8080',
        '  prod: https://kestra.example.com (tenant acme)',
        '',
        '3 objects across 2 stacks: 2 in sync, 2 pending, 1 drifted.',
      ].join('\n'),
    );
  });

  it('colours cells by status (green in sync, yellow pending, red drifted, absent plain), padding inside the colour', () => {
    const out = renderPromotionText(VIEW, { color: true });
    expect(out.split('\n')[0]).toBe('\u001b[1mStatus of every environment against Git\u001b[22m');
    const hello = out.split('\n').find((l) => l.includes('hello.yml'))!;
    expect(hello).toBe('  flow tree/company.team/flows/hello.yml     \u001b[32min sync       \u001b[39m  \u001b[31mdrifted          \u001b[39m');
    const onlyDev = out.split('\n').find((l) => l.includes('only-dev.yml'))!;
    expect(onlyDev).toBe('  flow tree/company.team/flows/only-dev.yml  \u001b[33mpending create\u001b[39m  -');
  });

  it('counts in the singular for one object and one stack', () => {
    const one: PromotionView = { columns: [VIEW.columns[0]], rows: [{ ...VIEW.rows[0], cells: { dev: VIEW.rows[0].cells.dev } }] };
    const out = renderPromotionText(one, { color: false });
    expect(out.split('\n').slice(-1)[0]).toBe('1 object across 1 stack: 1 in sync, 0 pending, 0 drifted.');
    // An environment named as its stack is not repeated in the header.
    expect(out.split('\n')[2]).toBe('  object                                  dev');
  });
});

describe('renderPromotionMarkdown', () => {
  it('is a marked comment with the totals and a table of status icons', () => {
    expect(renderPromotionMarkdown(VIEW)).toBe(
      [
        '<!-- kestraform-status -->',
        '**3 objects across 2 stacks: 2 in sync, 2 pending, 1 drifted.**',
        '',
        '| object | `dev` | `prod` |',
        '|---|---|---|',
        '| flow tree/company.team/flows/hello.yml | ✅ in sync | ⚠️ drifted |',
        '| flow tree/company.team/flows/only-dev.yml | 🟡 pending create | - |',
        '| kv tree/company.team/kv.yaml API\\_URL | 🟡 pending update | ✅ in sync |',
      ].join('\n'),
    );
  });

  it('escapes what Markdown would read in sources and stack names', () => {
    const view: PromotionView = {
      columns: [{ stack: 'pr_1|x', target: { url: 'u', tenant: 'main' } }],
      rows: [{ kind: 'file', source: 'files/<b>|*.sql', cells: { 'pr_1|x': { status: 'in-sync' } } }],
    };
    const lines = renderPromotionMarkdown(view).split('\n');
    expect(lines[3]).toBe('| object | `pr\\_1\\|x` |');
    expect(lines[5]).toBe('| file files/&lt;b&gt;\\|\\*.sql | ✅ in sync |');
  });
});

describe('renderPromotionJson', () => {
  it('has the format version, the stacks and the objects as the view holds them', () => {
    expect(renderPromotionJson(VIEW)).toEqual({
      format_version: '1.0',
      kestraform_version: KESTRAFORM_VERSION,
      stacks: [
        { stack: 'dev', environment: 'dev', target: { url: 'http://localhost:8080', tenant: 'main' } },
        { stack: 'prod', environment: 'production', target: { url: 'https://kestra.example.com', tenant: 'acme' } },
      ],
      objects: [
        { kind: 'flow', source: 'tree/company.team/flows/hello.yml', cells: { dev: { address: 'flow:company.team/hello', status: 'in-sync' }, prod: { address: 'flow:prod.company.team/hello', status: 'drifted', pending: 'update' } } },
        { kind: 'flow', source: 'tree/company.team/flows/only-dev.yml', cells: { dev: { address: 'flow:company.team/only-dev', status: 'pending', pending: 'create' }, prod: { status: 'absent' } } },
        { kind: 'kv', source: 'tree/company.team/kv.yaml API_URL', cells: { dev: { address: 'kv:company.team/API_URL', status: 'pending', pending: 'update' }, prod: { address: 'kv:prod.company.team/API_URL', status: 'in-sync' } } },
      ],
    });
    expect(KESTRAFORM_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    // Plain data: it survives a JSON round trip unchanged.
    expect(JSON.parse(JSON.stringify(renderPromotionJson(VIEW)))).toEqual(renderPromotionJson(VIEW));
  });
});
