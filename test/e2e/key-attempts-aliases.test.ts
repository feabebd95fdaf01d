import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../support/test-server.js';
import { WRONG_PHRASE_12, WRONG_PHRASE_18 } from './rest-helpers.js';

// One request with many aliases of a public key mutation is many attempts: each one is reserved
// before its key is checked, so the per-address limit (10 here) holds within a single request.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ authMaxFailures: 10 });
});
afterAll(async () => {
  await server?.close();
});

/** A GraphQL request from client address `from` (the server trusts X-Forwarded-For from loopback). */
async function gqlFrom(from: string, query: string, token?: string): Promise<{ status: number; body: any }> {
  const headers = { 'content-type': 'application/json', 'x-forwarded-for': from, ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query }) });
  return { status: res.status, body: await res.json() };
}

// 45: more aliases than 50 are refused outright by the GraphQL cost limits.
const aliased = (count: number, field: string, phrase: string) =>
  Array.from({ length: count }, (_, i) => `a${i}: ${field}(input: { key: "${phrase}", deviceName: "attacker${i}" }) { success code }`).join('\n');

function tally(data: Record<string, { code: number }>): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { code } of Object.values(data)) counts[code] = (counts[code] ?? 0) + 1;
  return counts;
}

describe('aliased key attempts in one request', () => {
  it('45 aliased api.authorizeWithNewDeviceApiKey make 10 checks, the rest are refused with 429', async () => {
    const res = await gqlFrom('10.1.0.1', `mutation { api { ${aliased(45, 'authorizeWithNewDeviceApiKey', WRONG_PHRASE_12)} } }`);

    expect(res.status).toBe(200);
    expect(tally(res.body.data.api)).toEqual({ 404: 10, 429: 35 });
  });

  it('the same holds for api.useRecoveryApiKey', async () => {
    const res = await gqlFrom('10.1.0.2', `mutation { api { ${aliased(45, 'useRecoveryApiKey', WRONG_PHRASE_18)} } }`);

    expect(tally(res.body.data.api)).toEqual({ 404: 10, 429: 35 });
  });

  it('a right key is not counted as a failure', async () => {
    for (let i = 0; i < 12; i++) {
      const key = await gqlFrom('127.0.0.1', 'mutation { api { getNewDeviceApiKey { key } } }', server.token);
      const phrase = key.body.data.api.getNewDeviceApiKey.key as string;
      const used = await gqlFrom('10.1.0.3', `mutation { api { ${aliased(1, 'authorizeWithNewDeviceApiKey', phrase)} } }`);

      expect(used.body.data.api.a0).toEqual({ success: true, code: 200 });
    }
  });
});
