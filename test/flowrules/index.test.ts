/**
 * The structural rules of lib/flowrules (checkFlow) on small inline flows: required fields,
 * id and namespace patterns and lengths, tasks (at every depth), inputs, labels and triggers.
 * Each finding is compared whole — severity, path and exact message — so a changed rule shows.
 * Top-level keys: ./top-level-keys.test.ts; constructs removed in Kestra 2.x: ./removed-2x.test.ts.
 */
import { parse } from 'yaml';
import { checkFlow, INPUT_TYPES, type KestraMajor } from '../../lib/flowrules';

/** The findings on a flow written as YAML, one line each: `<severity> <path>: <message>`. */
function findings(yaml: string, kestraMajor: KestraMajor = 2): string[] {
  return checkFlow(parse(yaml), { kestraMajor }).map((v) => `${v.severity} ${v.path.join('.') || '(flow)'}: ${v.message}`);
}

const HEAD = 'id: hello\nnamespace: company.team\n';
const LOG_TASK = 'tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n';
/** A flow that passes every rule, with `extra` YAML appended at the top level. */
const validFlowWith = (extra = '') => `${HEAD}${LOG_TASK}${extra}`;

describe('a flow document', () => {
  it('passes every rule when it has an id, a namespace and one well-formed task', () => {
    expect(findings(validFlowWith(), 1)).toEqual([]);
    expect(findings(validFlowWith(), 2)).toEqual([]);
  });

  it.each([
    ['a scalar', 'just a string\n'],
    ['a list', '- id: hello\n- namespace: company.team\n'],
    ['empty', ''],
  ])('is refused as a whole when it is %s, not a mapping', (_what, yaml) => {
    expect(findings(yaml)).toEqual(['error (flow): a flow must be a YAML mapping']);
  });

  it('names every required field that is missing', () => {
    expect(findings('description: nothing else\n')).toEqual([
      'error id: missing required field `id`',
      'error namespace: missing required field `namespace`',
      'error tasks: missing required field `tasks`',
    ]);
  });

  it('refuses an empty, null or structured id and namespace', () => {
    expect(findings(`id: ""\nnamespace:\n${LOG_TASK}`)).toEqual([
      'error id: `id` must be a non-empty string',
      'error namespace: `namespace` must be a non-empty string',
    ]);
    expect(findings(`id: [a, b]\nnamespace: {a: b}\n${LOG_TASK}`)).toEqual([
      'error id: `id` must be a non-empty string',
      'error namespace: `namespace` must be a non-empty string',
    ]);
  });

  it('takes a number as id the way Kestra coerces scalars to strings', () => {
    expect(findings(`id: 123\nnamespace: company.team\n${LOG_TASK}`)).toEqual([]);
  });
});

describe('flow id', () => {
  const withId = (id: string) => findings(`id: "${id}"\nnamespace: company.team\n${LOG_TASK}`);

  it.each(['hello', 'Hello_World', '1st.flow-v2', 'a'])('accepts %s', (id) => {
    expect(withId(id)).toEqual([]);
  });

  it.each(['-hello', '.hello', '_hello', 'hello world', 'team/hello', 'héllo'])('refuses %s, quoting the pattern', (id) => {
    expect(withId(id)).toEqual([`error id: flow id "${id}" does not match ^[a-zA-Z0-9][a-zA-Z0-9._-]*`]);
  });

  it('accepts 100 characters and refuses 101, giving the length', () => {
    expect(withId('f'.repeat(100))).toEqual([]);
    expect(withId('f'.repeat(101))).toEqual(['error id: flow id is 101 characters long (Kestra allows 100)']);
  });
});

describe('namespace', () => {
  const withNamespace = (ns: string) => findings(`id: hello\nnamespace: "${ns}"\n${LOG_TASK}`);

  it.each(['company', 'company.team', 'team_a.sub-1', '0ops'])('accepts %s', (ns) => {
    expect(withNamespace(ns)).toEqual([]);
  });

  it.each(['Company.team', 'company.Team', '.company', '-company', 'company team'])('refuses %s (lowercase only), quoting the pattern', (ns) => {
    expect(withNamespace(ns)).toEqual([`error namespace: namespace "${ns}" does not match ^[a-z0-9][a-z0-9._-]*`]);
  });

  it('accepts 150 characters and refuses 151, giving the length', () => {
    expect(withNamespace('n'.repeat(150))).toEqual([]);
    expect(withNamespace('n'.repeat(151))).toEqual(['error namespace: namespace is 151 characters long (Kestra allows 150)']);
  });
});

describe('tasks', () => {
  it('refuses an empty list, a mapping or a scalar where the task list belongs', () => {
    for (const tasks of ['[]', '{id: log}', 'log']) {
      expect(findings(`${HEAD}tasks: ${tasks}\n`)).toEqual(['error tasks: `tasks` must be a non-empty list of tasks']);
    }
  });

  it('refuses a task that is not a mapping', () => {
    expect(findings(`${HEAD}tasks:\n  - log\n`)).toEqual(['error tasks.0: a task must be a mapping with `id` and `type`']);
  });

  it('names the task that has no type, and says so when it has no id either', () => {
    expect(findings(`${HEAD}tasks:\n  - id: log\n`)).toEqual(['error tasks.0.type: task "log" without `type`']);
    expect(findings(`${HEAD}tasks:\n  - message: hi\n`)).toEqual([
      'error tasks.0.id: task without `id`',
      'error tasks.0.type: task without `type`',
    ]);
  });

  it('refuses a dot in a task id, which a flow id may hold', () => {
    expect(findings(`${HEAD}tasks:\n  - id: log.one\n    type: io.kestra.plugin.core.log.Log\n`)).toEqual([
      'error tasks.0.id: task id "log.one" does not match ^[a-zA-Z0-9][a-zA-Z0-9_-]*',
    ]);
  });

  it.each(['Log', 'io.kestra.', '.Log', 'io kestra.Log'])('refuses the type %s, which is not a fully-qualified class name', (type) => {
    expect(findings(`${HEAD}tasks:\n  - id: log\n    type: "${type}"\n`)).toEqual([`error tasks.0.type: task type "${type}" is not a fully-qualified class name`]);
  });

  it('leaves a type written as a Pebble expression to Kestra', () => {
    expect(findings(`${HEAD}tasks:\n  - id: log\n    type: "{{ vars.taskType }}"\n`)).toEqual([]);
  });

  // The second `log` sits in each place a task list can be; finding it proves the place is visited.
  it.each([
    ['a flowable task', 'tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n  - id: par\n    type: io.kestra.plugin.core.flow.Parallel\n    tasks:\n      - id: log\n        type: io.kestra.plugin.core.log.Log\n', 'tasks.1.tasks.0.id'],
    ['the `then` of an If', 'tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n  - id: if\n    type: io.kestra.plugin.core.flow.If\n    then:\n      - id: log\n        type: io.kestra.plugin.core.log.Log\n', 'tasks.1.then.0.id'],
    ['the `else` of an If', 'tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n  - id: if\n    type: io.kestra.plugin.core.flow.If\n    else:\n      - id: log\n        type: io.kestra.plugin.core.log.Log\n', 'tasks.1.else.0.id'],
    ['a case of a Switch', 'tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n  - id: sw\n    type: io.kestra.plugin.core.flow.Switch\n    cases:\n      big:\n        - id: log\n          type: io.kestra.plugin.core.log.Log\n', 'tasks.1.cases.big.0.id'],
    ['the defaults of a Switch', 'tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n  - id: sw\n    type: io.kestra.plugin.core.flow.Switch\n    defaults:\n      - id: log\n        type: io.kestra.plugin.core.log.Log\n', 'tasks.1.defaults.0.id'],
    ['a task of a Dag, wrapped in `task:`', 'tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n  - id: dag\n    type: io.kestra.plugin.core.flow.Dag\n    tasks:\n      - task:\n          id: log\n          type: io.kestra.plugin.core.log.Log\n        dependsOn: []\n', 'tasks.1.tasks.0.task.id'],
    ['the flow-level `errors`', 'tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\nerrors:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n', 'errors.0.id'],
    ['the flow-level `finally`', 'tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\nfinally:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n', 'finally.0.id'],
    ['the flow-level `afterExecution`', 'tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\nafterExecution:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n', 'afterExecution.0.id'],
    ['the tasks of a 1.x listener', 'tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\nlisteners:\n  - tasks:\n      - id: log\n        type: io.kestra.plugin.core.log.Log\n', 'listeners.0.tasks.0.id'],
  ])('refuses a task id used twice, the second time in %s', (_place, body, duplicatePath) => {
    expect(findings(`${HEAD}${body}`, 1)).toEqual([`error ${duplicatePath}: task id "log" is used twice in this flow (also at tasks.0)`]);
  });

  it('checks nested tasks with the same rules as top-level ones', () => {
    const nested = `${HEAD}tasks:\n  - id: seq\n    type: io.kestra.plugin.core.flow.Sequential\n    tasks:\n      - id: "bad id"\n        type: Log\n`;
    expect(findings(nested)).toEqual([
      'error tasks.0.tasks.0.id: task id "bad id" does not match ^[a-zA-Z0-9][a-zA-Z0-9_-]*',
      'error tasks.0.tasks.0.type: task type "Log" is not a fully-qualified class name',
    ]);
  });
});

describe('inputs', () => {
  const withInputs = (inputs: string) => findings(validFlowWith(`inputs:\n${inputs}`));

  it('accepts every input type of Kestra, and a plugin class as type', () => {
    const all = [...INPUT_TYPES, 'io.kestra.plugin.custom.MyInput'].map((type, i) => `  - id: in${i}\n    type: ${type}\n`).join('');
    expect(withInputs(all)).toEqual([]);
  });

  it('refuses inputs that are not a list, and an input that is not a mapping', () => {
    expect(findings(validFlowWith('inputs:\n  user: STRING\n'))).toEqual(['error inputs: `inputs` must be a list']);
    expect(withInputs('  - user\n')).toEqual(['error inputs.0: an input must be a mapping with `id` and `type`']);
  });

  it('warns of `name`, the deprecated alias of `id`, and checks the name as an id', () => {
    expect(withInputs('  - name: user\n    type: STRING\n')).toEqual(['warning inputs.0.name: input `name` is a deprecated alias of `id`']);
    expect(withInputs('  - name: user\n    type: STRING\n  - id: user\n    type: STRING\n')).toEqual([
      'warning inputs.0.name: input `name` is a deprecated alias of `id`',
      'error inputs.1.id: input id "user" is declared twice',
    ]);
  });

  it('refuses an input without id, with a malformed id, declared twice, or without a known type', () => {
    expect(withInputs('  - type: STRING\n')).toEqual(['error inputs.0.id: input without `id`']);
    expect(withInputs('  - id: "user name"\n    type: STRING\n')).toEqual(['error inputs.0.id: input id "user name" does not match ^[a-zA-Z0-9][.a-zA-Z0-9_-]*']);
    expect(withInputs('  - id: user.name\n    type: STRING\n')).toEqual([]);
    expect(withInputs('  - id: user\n    type: STRING\n  - id: user\n    type: INT\n')).toEqual(['error inputs.1.id: input id "user" is declared twice']);
    expect(withInputs('  - id: user\n')).toEqual(['error inputs.0.type: input "user" without `type`']);
    expect(withInputs('  - id: user\n    type: TEXT\n')).toEqual(['error inputs.0.type: unknown input type "TEXT"']);
  });
});

describe('labels', () => {
  it('refuses a `system.` label in the mapping and the list form', () => {
    expect(findings(validFlowWith('labels:\n  system.owner: me\n  team: data\n'))).toEqual(['error labels.system.owner: label "system.owner" uses the `system.` prefix, which Kestra reserves']);
    expect(findings(validFlowWith('labels:\n  - key: team\n    value: data\n  - key: system.owner\n    value: me\n'))).toEqual(['error labels.1.key: label "system.owner" uses the `system.` prefix, which Kestra reserves']);
  });

  it('accepts the system labels a flow may set itself', () => {
    expect(findings(validFlowWith('labels:\n  system.readOnly: "true"\n  system.correlationId: abc\n'))).toEqual([]);
    expect(findings(validFlowWith('labels:\n  - key: system.readOnly\n    value: "true"\n'))).toEqual([]);
  });
});

describe('triggers', () => {
  const withTriggers = (triggers: string) => findings(validFlowWith(`triggers:\n${triggers}`));
  const SCHEDULE = 'io.kestra.plugin.core.trigger.Schedule';

  it('accepts a trigger with an id and a class as type', () => {
    expect(withTriggers(`  - id: hourly\n    type: ${SCHEDULE}\n    cron: "0 * * * *"\n`)).toEqual([]);
  });

  it('refuses a trigger that is not a mapping, has no id, no type or a type that is not a class', () => {
    expect(withTriggers('  - hourly\n')).toEqual(['error triggers.0: a trigger must be a mapping with `id` and `type`']);
    expect(withTriggers(`  - type: ${SCHEDULE}\n`)).toEqual(['error triggers.0.id: trigger without `id`']);
    expect(withTriggers('  - id: hourly\n')).toEqual(['error triggers.0.type: trigger "hourly" without `type`']);
    expect(withTriggers('  - cron: "0 * * * *"\n')).toEqual(['error triggers.0.id: trigger without `id`', 'error triggers.0.type: trigger without `type`']);
    expect(withTriggers('  - id: hourly\n    type: Schedule\n')).toEqual(['error triggers.0.type: trigger type "Schedule" is not a fully-qualified class name']);
  });

  it('refuses a trigger id used twice, but not one shared with a task', () => {
    expect(withTriggers(`  - id: hourly\n    type: ${SCHEDULE}\n  - id: hourly\n    type: ${SCHEDULE}\n`)).toEqual(['error triggers.1.id: trigger id "hourly" is used twice']);
    expect(withTriggers(`  - id: log\n    type: ${SCHEDULE}\n`)).toEqual([]);
  });
});

describe('messages of the top-level key rules', () => {
  it('says why an unknown property is refused, and what to do', () => {
    const [unknown] = checkFlow(parse(validFlowWith('title: Hello\n')), { kestraMajor: 2 });
    expect(unknown).toMatchObject({
      severity: 'error',
      path: ['title'],
      at: 'key',
      message: 'unknown flow property `title`: Kestra refuses flows with properties it does not know',
      hint: 'remove it or move it under `variables:` or `labels:`',
    });
  });

  it("names the Kestra line whose schema lacks a property of the other line", () => {
    expect(findings(validFlowWith('workerGroup:\n  key: gpu\n'), 2)).toEqual(["warning workerGroup: `workerGroup` is not part of Kestra 2.0's flow schema"]);
    expect(findings(validFlowWith('draft: true\n'), 1)).toEqual(["warning draft: `draft` is not part of Kestra 1.x's flow schema"]);
  });
});
