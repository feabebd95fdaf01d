import { describe, expect, it } from 'vitest';
import type { Deps } from '../core/ports.js';
import { legacyRoute } from './legacy-route.js';
import { RestRegistry } from './rest-registry.js';

// The paths the front door serves without the router: the ones the router would pick for exactly that path.

const route = (method: 'get' | 'post', path: string) =>
  legacyRoute({ method, path, summary: path, tag: 't', responses: {}, handle: async () => ({ status: 200, body: path }) });

describe('RestRegistry.exactHandlers', () => {
  it('lists the paths without parameters that no earlier route of the same method matches', () => {
    const registry = new RestRegistry().add(
      route('get', '/a'),
      route('get', '/items/{id}'),
      route('get', '/items/status'), // the router gives /items/status to /items/{id}
      route('post', '/items/status'), // another method: not hidden
      route('get', '/items/{id}/logs'),
      route('get', '/a'), // a second declaration: the first wins
    );
    expect([...registry.exactHandlers({} as Deps).keys()]).toEqual(['GET /a', 'POST /items/status']);
  });
});
