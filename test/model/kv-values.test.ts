import { encodeKvBody, expectedLiveKv, kvValueToCanonical, normaliseKvValue, KESTRA_DURATION_PATTERN, KvValueError } from '../../lib/model/kv-values';

describe('encodeKvBody: the Ion text that makes Kestra infer the intended type', () => {
  it.each([
    ['STRING', 'hello', '"hello"'],
    ['STRING', '42', '"42"'], // a string that looks like a number stays a quoted string
    ['STRING', 'true', '"true"'],
    ['STRING', '2025-10-13', '"2025-10-13"'], // not an Ion timestamp
    ['STRING', 'say "hi"\n\\', '"say \\"hi\\"\\n\\\\"'],
    ['STRING', '', '""'],
    ['NUMBER', '42', '42'],
    ['NUMBER', '-1.50', '-1.50'],
    ['NUMBER', '6.02e23', '6.02e23'],
    ['BOOLEAN', 'false', 'false'],
    ['DATE', '2024-02-29', '2024-02-29'], // unquoted: an Ion timestamp of day precision
    ['DATETIME', '2025-10-14T18:02:08Z', '2025-10-14T18:02:08Z'],
    ['DATETIME', '2025-10-14T20:02:08.5+02:00', '2025-10-14T18:02:08.500Z'], // converted to UTC, or Kestra reports JSON
    ['DURATION', 'PT15M', '"PT15M"'],
    ['JSON', '{ "b": 1, "a": [true, null] }', '{"b":1,"a":[true,null]}'],
    ['JSON', '["x"]', '["x"]'],
  ] as const)('%s %j is sent as %s', (type, value, body) => {
    expect(encodeKvBody(type, value)).toBe(body);
  });

  it.each([
    ['NUMBER', '0x10'],
    ['NUMBER', '01'],
    ['NUMBER', '1e999'],
    ['NUMBER', ''],
    ['BOOLEAN', 'yes'],
    ['DATE', '2023-02-29'],
    ['DATE', '2023-1-5'],
    ['DATETIME', '2025-10-14T18:02:08'], // no offset: Ion would not read a timestamp
    ['DATETIME', '2025-10-14 18:02:08Z'],
    ['DATETIME', '2025-10-14T24:00:00Z'],
    ['DURATION', 'PT'],
    ['DURATION', 'P1W'],
    ['DURATION', 'PT1.5S'],
    ['DURATION', '15m'],
    ['JSON', '"a string"'],
    ['JSON', '42'],
    ['JSON', '{bad json}'],
    ['STRING', 'PD'], // Kestra would read it as a duration and fail to parse it
  ] as const)('refuses %s %j', (type, value) => {
    expect(() => encodeKvBody(type, value)).toThrow(KvValueError);
  });
});

describe('normaliseKvValue: canonical text of a desired value', () => {
  it.each([
    ['STRING', ' spaced ', ' spaced '],
    ['NUMBER', '1.0', '1'],
    ['NUMBER', '1e3', '1000'],
    ['DATETIME', '2025-10-14T18:02:08.000Z', '2025-10-14T18:02:08Z'],
    ['DATETIME', '2025-10-14T18:02:08.123456789Z', '2025-10-14T18:02:08.123Z'], // Kestra keeps milliseconds
    ['DATETIME', '2025-01-01T01:30:00+02:00', '2024-12-31T23:30:00Z'],
    ['DATETIME', '2025-10-14T18:02Z', '2025-10-14T18:02:00Z'],
    ['DURATION', 'P1D', 'PT24H'], // as java.time.Duration prints it
    ['DURATION', 'PT90M', 'PT1H30M'],
    ['DURATION', 'PT3600S', 'PT1H'],
    ['DURATION', 'P0D', 'PT0S'],
    ['JSON', '{"a" : 1.0}', '{"a":1}'],
  ] as const)('%s %j → %j', (type, value, canonical) => {
    expect(normaliseKvValue(type, value)).toBe(canonical);
  });
});

describe('expectedLiveKv: what Kestra reports after the put', () => {
  it('reports a duration-looking STRING as DURATION (Kestra decides on read)', () => {
    expect(expectedLiveKv('STRING', 'PT5M')).toEqual({ type: 'DURATION', value: 'PT5M' });
    expect(expectedLiveKv('STRING', 'P2D')).toEqual({ type: 'DURATION', value: 'PT48H' });
  });
  it('keeps other strings STRING, even number- or date-like ones', () => {
    expect(expectedLiveKv('STRING', '42')).toEqual({ type: 'STRING', value: '42' });
    expect(expectedLiveKv('STRING', 'P1W')).toEqual({ type: 'STRING', value: 'P1W' });
  });
  it('reports a DATETIME at midnight UTC as a DATE', () => {
    expect(expectedLiveKv('DATETIME', '2025-10-14T02:00:00+02:00')).toEqual({ type: 'DATE', value: '2025-10-14' });
    expect(expectedLiveKv('DATETIME', '2025-10-14T00:00:00.001Z')).toEqual({ type: 'DATETIME', value: '2025-10-14T00:00:00.001Z' });
  });
  it('is the canonical value otherwise', () => {
    expect(expectedLiveKv('NUMBER', '2.50')).toEqual({ type: 'NUMBER', value: '2.5' });
    expect(expectedLiveKv('JSON', '[1, {"k": "v"}]')).toEqual({ type: 'JSON', value: '[1,{"k":"v"}]' });
  });
});

describe('kvValueToCanonical: the JSON value of a GET as canonical text', () => {
  it.each([
    ['STRING', 'hello', 'hello'],
    ['STRING', '', ''],
    ['NUMBER', 42, '42'],
    ['NUMBER', 1.5, '1.5'],
    ['BOOLEAN', true, 'true'],
    ['DATE', '2021-09-01', '2021-09-01'],
    ['DATE', [2021, 9, 1], '2021-09-01'],
    ['DATETIME', '2021-09-01T01:02:03Z', '2021-09-01T01:02:03Z'],
    ['DATETIME', '2021-09-01T01:02:03.120Z', '2021-09-01T01:02:03.120Z'],
    ['DATETIME', 1630458123, '2021-09-01T01:02:03Z'],
    ['DURATION', 'PT5S', 'PT5S'],
    ['DURATION', 'PT24H', 'PT24H'],
    ['DURATION', 300, 'PT5M'],
    ['JSON', { hello: 'world', n: [1, 2] }, '{"hello":"world","n":[1,2]}'],
  ] as const)('%s %j → %j', (type, live, canonical) => {
    expect(kvValueToCanonical(type, live)).toBe(canonical);
  });

  // Desired value, and the JSON `value` Kestra's GET returns for it (KVControllerTest, IonParser).
  it.each([
    ['STRING', 'a "quoted" string', 'a "quoted" string'],
    ['NUMBER', '3.0', 3.0],
    ['BOOLEAN', 'true', true],
    ['DATE', '2030-12-31', '2030-12-31'],
    ['DATETIME', '2030-12-31T23:59:59.999+00:00', '2030-12-31T23:59:59.999Z'],
    ['DURATION', 'P1DT1H', 'PT25H'],
    ['JSON', '{"z":1,"a":{"b":[]}}', { z: 1, a: { b: [] } }],
  ] as const)('desired %s %j and its live value %j compare equal', (type, desired, live) => {
    const expected = expectedLiveKv(type, desired);
    expect(kvValueToCanonical(expected.type, live)).toBe(expected.value);
  });
});

describe('KESTRA_DURATION_PATTERN', () => {
  it('matches what Kestra treats as a duration and nothing else', () => {
    for (const yes of ['PT5M', 'P1D', 'P1DT2H', 'PT1H30M10S', 'PD']) expect(KESTRA_DURATION_PATTERN.test(yes)).toBe(true);
    for (const no of ['P', 'PT', 'P1W', 'PT1.5S', 'pt5m', 'xPT5M', 'P1DT']) expect(KESTRA_DURATION_PATTERN.test(no)).toBe(false);
  });
});
