import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';

// Costly operations are refused before they execute: depth, fields, aliases, parser tokens.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** `services.allServices`, then the storage cycle (storageUsage > volume > usages > service) `cycles` times. */
function storageCycleQuery(cycles: number): { query: string; depth: number } {
  const open = 'storageUsage { volume { usages { ... on ServiceStorageUsage { service { '.repeat(cycles);
  const close = '} } } } } '.repeat(cycles);
  return { query: `{ services { allServices { ${open}id ${close}} } }`, depth: 2 + 4 * cycles + 1 };
}

function expectRefused(res: Awaited<ReturnType<typeof gql>>, code: string, message: RegExp): void {
  expect(res.status).toBe(400);
  expect(res.body.data).toBeUndefined();
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors![0]).toMatchObject({ message: expect.stringMatching(message), extensions: { code } });
}

describe('depth', () => {
  it('refuses a 200-level nested selection before running it', async () => {
    const { query, depth } = storageCycleQuery(50);
    expect(depth).toBeGreaterThan(200);

    expectRefused(await gql(server, query, undefined, server.token), 'GRAPHQL_VALIDATION_FAILED', /nested too deeply: at most 15 levels/);
  });

  it('refuses a selection nested too deeply for the parser, within the token limit, with a clear message', async () => {
    const query = `${'{ a '.repeat(2_400)}${'}'.repeat(2_400)}`;

    expectRefused(await gql(server, query, undefined, server.token), 'GRAPHQL_PARSE_FAILED', /^The operation is nested too deeply to be parsed\.$/);
  });

  it('runs a legitimate query 15 levels deep', async () => {
    const { query, depth } = storageCycleQuery(3);
    expect(depth).toBe(15);

    const res = await gql(server, query, undefined, server.token);

    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.services.allServices.length).toBeGreaterThan(0);
  });
});

describe('fields and aliases', () => {
  it('refuses 60 aliases of one field', async () => {
    const aliases = Array.from({ length: 60 }, (_, i) => `a${i}: __typename`).join(' ');

    expectRefused(await gql(server, `{ ${aliases} }`), 'GRAPHQL_VALIDATION_FAILED', /too many aliases: 60, at most 50/);
  });

  it('accepts 50 aliases', async () => {
    const aliases = Array.from({ length: 50 }, (_, i) => `a${i}: __typename`).join(' ');

    const res = await gql(server, `{ ${aliases} }`);

    expect(res.status).toBe(200);
    expect(res.body.data.a49).toBe('Query');
  });

  it('counts fragments where they are used: 4,096 fields from a few lines are refused quickly', async () => {
    const fragments = Array.from({ length: 12 }, (_, i) => `fragment F${i + 1} on Query { ...F${i} ...F${i} }`).join('\n');
    const query = `{ ...F12 }\nfragment F0 on Query { __typename }\n${fragments}`;
    const started = performance.now();

    expectRefused(await gql(server, query), 'GRAPHQL_VALIDATION_FAILED', /too many fields: at most 500/);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('parser tokens', () => {
  it('refuses a document of more than 5,000 tokens, 5,000 aliases included', async () => {
    const aliases = Array.from({ length: 5_000 }, (_, i) => `a${i}: __typename`).join(' ');

    expectRefused(await gql(server, `{ ${aliases} }`), 'GRAPHQL_PARSE_FAILED', /more tha[nt] 5000 tokens/); // graphql 16 writes "more that"
  });

  it('refuses 6,000 repetitions of one field (no alias, but each one parsed)', async () => {
    const repeated = '__typename '.repeat(6_000);

    expectRefused(await gql(server, `{ ${repeated} }`), 'GRAPHQL_PARSE_FAILED', /tokens/);
  });
});

describe('introspection', () => {
  it('describes the schema to an authenticated caller (the standard introspection query fits the limits)', async () => {
    const res = await gql(server, getIntrospectionQuery(), undefined, server.token);

    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.__schema.queryType).toMatchObject({ name: 'Query' });
  });

  it('refuses __schema and __type to an anonymous caller', async () => {
    for (const query of [getIntrospectionQuery(), '{ __type(name: "Query") { name } }', 'query { ...F } fragment F on Query { __schema { queryType { name } } }']) {
      const res = await gql(server, query);

      expect(res.status).toBe(401);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors).toEqual([{ message: 'Introspection is available to authenticated callers only.', extensions: { code: 'UNAUTHENTICATED' } }]);
    }
  });

  it('still answers __typename to an anonymous caller', async () => {
    expect(await gql(server, '{ __typename }')).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });
});
