import { requestNamespace } from '../../lib/kestra/request-namespace';

describe('requestNamespace', () => {
  it('reads the namespace a request is about from its path or its query', () => {
    expect(requestNamespace({ path: '/flows/company.team' })).toBe('company.team');
    expect(requestNamespace({ path: '/flows/company.team/hello', query: [['source', 'true']] })).toBe('company.team');
    expect(requestNamespace({ path: '/namespaces/a%2Eb/files/directory', query: [['path', '/x']] })).toBe('a.b');
    expect(requestNamespace({ path: '/tests/company.qa/suite' })).toBe('company.qa');
    expect(requestNamespace({ path: '/kv', query: [['filters[namespace][EQUALS]', 'company.kv'], ['page', '1']] })).toBe('company.kv');
    expect(requestNamespace({ path: '/flows/search', query: [['namespace', 'company.q']] })).toBe('company.q');
  });

  it('names none for an operation in a namespace\'s place, an instance endpoint, or a path without one', () => {
    expect(requestNamespace({ path: '/flows/search' })).toBeUndefined();
    expect(requestNamespace({ path: '/flows/export/by-query' })).toBeUndefined();
    expect(requestNamespace({ path: '/configs', instance: true })).toBeUndefined();
    expect(requestNamespace({ path: '/dashboards/d1' })).toBeUndefined();
    expect(requestNamespace({ path: '/namespaces/%E0%A4%A' })).toBeUndefined(); // not decodable
  });
});
