/**
 * Route resolution as Kestra's router resolves a path: the most literal template wins, Kestra's
 * reserved paths win as "not offered" over a parameter route, a path that matches nothing is tried
 * below the served tenant (TenantAliasingRooter), and a miss knows the methods served for the path.
 */
import { Router, type Route } from '../../lib/server/router';
import { javaHashSetOrder } from '../../lib/server/errors';

const route = (method: string, template: string, operationId: string): Route => ({ method, template, operationId, query: [], handler: () => ({ status: 200 }) });

describe('Router.resolve', () => {
  const reserved = [
    ['/api/v1/{tenant}/flows/delete/by-ids', 'DELETE'],
    ['/api/v1/{tenant}/flows/{namespace}/{id}', 'GET PUT DELETE'],
    ['/api/v1/{tenant}/flows/search', 'GET'],
    ['/api/v1/me', 'GET PATCH'],
    ['/api/v1/configs', 'GET'],
  ] as const;
  const router = new Router(reserved);
  router.add(route('GET', '/flows/{namespace}', 'listFlowsByNamespace'));
  router.add(route('GET', '/flows/search', 'searchFlows'));
  router.add(route('GET', '/flows/{namespace}/{id}', 'getFlow'));
  router.add(route('DELETE', '/flows/{namespace}/{id}', 'deleteFlow'));

  it('prefers literal segments, and names the tenant and the params', () => {
    expect(router.resolve('GET', '/api/v1/main/flows/search', 'main')).toMatchObject({ kind: 'route', route: { operationId: 'searchFlows' }, tenant: 'main', params: {} });
    expect(router.resolve('GET', '/api/v1/other/flows/a%2Fb', 'main')).toMatchObject({ kind: 'route', route: { operationId: 'listFlowsByNamespace' }, tenant: 'other', params: { namespace: 'a/b' }, subPath: '/flows/a/b' });
  });

  it("answers a reserved path as not offered rather than letting a parameter route take it", () => {
    expect(router.resolve('DELETE', '/api/v1/main/flows/delete/by-ids', 'main')).toEqual({ kind: 'not-offered', template: '/api/v1/{tenant}/flows/delete/by-ids', allowed: [] });
    expect(router.resolve('PUT', '/api/v1/main/flows/company.team/a', 'main')).toEqual({ kind: 'not-offered', template: '/api/v1/{tenant}/flows/{namespace}/{id}', allowed: ['GET', 'DELETE'] });
    expect(router.resolve('PATCH', '/api/v1/me', 'main')).toMatchObject({ kind: 'not-offered', allowed: [] });
  });

  it('tries a path that matches nothing below the served tenant, never /api/v1/configs', () => {
    expect(router.resolve('GET', '/api/v1/flows/company.team', 'main')).toMatchObject({ kind: 'route', route: { operationId: 'listFlowsByNamespace' }, tenant: 'main' });
    expect(router.resolve('GET', '/api/v1/flows/company.team/a', 'acme')).toMatchObject({ kind: 'route', route: { operationId: 'getFlow' }, tenant: 'acme' });
    expect(router.resolve('POST', '/api/v1/configs', 'main')).toEqual({ kind: 'miss', allowed: [] });
  });

  it('misses with the methods served for the path', () => {
    expect(router.resolve('POST', '/api/v1/main/flows/ns', 'main')).toEqual({ kind: 'miss', allowed: ['GET'] });
    expect(router.resolve('GET', '/api/v1/main/nothing/here/at/all', 'main')).toEqual({ kind: 'miss', allowed: [] });
  });
});

describe('javaHashSetOrder', () => {
  it("iterates as java.util.HashSet<String> does (buckets of String.hashCode)", () => {
    expect(javaHashSetOrder(['GET', 'PUT', 'DELETE'])).toEqual(['DELETE', 'PUT', 'GET']);
    expect(javaHashSetOrder(['POST', 'GET'])).toEqual(['POST', 'GET']);
    expect(javaHashSetOrder(['PATCH', 'PUT'])).toEqual(['PATCH', 'PUT']); // one bucket: insertion order
  });
});
