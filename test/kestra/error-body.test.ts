import { summariseErrorBody } from '../../lib/kestra/error-body';

const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('summariseErrorBody', () => {
  it('reads a Kestra 2.0 problem document: detail, field errors and trace id', () => {
    const summary = summariseErrorBody(
      'application/problem+json',
      body({
        type: 'https://kestra.io/docs/api-reference/problems/invalid-entity',
        title: 'Invalid entity',
        status: 422,
        detail: 'The flow is invalid.',
        errors: [{ detail: 'must not be null', path: 'tasks[0].type', pointer: '/tasks/0/type' }],
        traceId: 'abc123',
      }),
    );
    expect(summary.problemType).toBe('https://kestra.io/docs/api-reference/problems/invalid-entity');
    expect(summary.message).toBe('The flow is invalid. (tasks[0].type: must not be null) (trace id abc123)');
  });

  it('falls back to the problem title when there is no detail', () => {
    expect(summariseErrorBody('application/problem+json', body({ title: 'Resource not found', status: 404 })).message).toBe('Resource not found');
  });

  it('reads a 1.x Micronaut error without repeating embedded errors already in the message', () => {
    const summary = summariseErrorBody(
      'application/json',
      body({
        message: 'Invalid entity: flow.id: Flow id already exists',
        _links: { self: { href: '/api/v1/main/flows', templated: false } },
        _embedded: { errors: [{ message: 'Flow id already exists', path: 'flow.id' }] },
      }),
    );
    expect(summary.message).toBe('Invalid entity: flow.id: Flow id already exists');
  });

  it('adds embedded 1.x errors the message does not carry', () => {
    const summary = summariseErrorBody('application/json', body({ message: 'Bad Request', _embedded: { errors: [{ message: 'Required argument [String path] not specified' }] } }));
    expect(summary.message).toBe('Bad Request (Required argument [String path] not specified)');
  });

  it('summarises a proxy HTML page by its title', () => {
    const summary = summariseErrorBody('text/html', body('<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1>' + 'x'.repeat(5000) + '</body></html>'));
    expect(summary.message).toBe('the server answered with an HTML page titled "502 Bad Gateway", not a Kestra API response (a proxy or a wrong KESTRA_URL?)');
  });

  it('strips control characters and terminal escapes, and clips long text', () => {
    const summary = summariseErrorBody('text/plain', body('boom\u001b[31m red\u0007\n' + 'y'.repeat(2000)));
    expect(summary.message).not.toMatch(/[\u0000-\u001f]/);
    expect(summary.message!.startsWith('boom [31m red y')).toBe(true);
    expect(summary.message!.length).toBeLessThanOrEqual(400);
  });

  it('describes binary garbage by size only', () => {
    expect(summariseErrorBody('application/octet-stream', Buffer.from([0, 1, 2, 3, 0, 0, 255, 254])).message).toBe('the server answered with 8 bytes of non-text data');
  });

  it('returns nothing for an empty body', () => {
    expect(summariseErrorBody(null, Buffer.alloc(0))).toEqual({});
  });
});
