import { afterEach, describe, expect, it } from 'vitest';
import { USER_MESSAGES } from '../../src/core/users/user-messages.js';
import { type KanidmSetup, kanidmSetup } from './kanidm-setup.js';

// Kanidm's answers as the core's errors (spec §13.3): what the API shows when Kanidm refuses, breaks or is gone.

let setup: KanidmSetup;
afterEach(async () => {
  await setup?.kanidm.close();
});

const kanidm500 = (...parts: string[]) => ({
  code: 'IDENTITY_SERVICE_FAILED',
  status: 500,
  message: expect.stringMatching(new RegExp(`^An error occurred during a request to Kanidm\\.\\n[^]*${parts.map(escape).join('[^]*')}`)),
});
function escape(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('KanidmClient error mapping', () => {
  it.each([
    ['a flat conflict', '{"conflicting_attributes":["name"]}'],
    ['a nested conflict', '{"plugin":{"attrunique":{"conflicting_attributes":["name","mail"]}}}'],
    ['the older uniqueness answer', '{"plugin":{"attrunique":"duplicate value detected"}}'],
  ])('maps %s to 409 "User already exists"', async (_name, body) => {
    setup = await kanidmSetup();
    setup.kanidm.force({ status: 409, body });

    await expect(setup.store.create({ username: 'carol', displayName: 'c', groups: [] })).rejects.toMatchObject({
      code: 'USER_ALREADY_EXISTS',
      status: 409,
      message: 'User already exists',
    });
  });

  it('maps "nomatchingentries" to 404 with the reference text (newlines included)', async () => {
    setup = await kanidmSetup();
    setup.kanidm.force({ status: 404, body: '"nomatchingentries"' });

    await expect(setup.store.delete('bob')).rejects.toMatchObject({ code: 'USER_NOT_FOUND', status: 404, message: USER_MESSAGES.userOrGroupNotFound });
  });

  it('maps "accessdenied" to a 500 naming the access issue, the endpoint and the method', async () => {
    setup = await kanidmSetup();
    setup.kanidm.force({ status: 403, body: '"accessdenied"' });

    await expect(setup.store.list()).rejects.toMatchObject(kanidm500(`Endpoint: ${setup.kanidm.url}/v1/person`, 'Method: GET', 'Error: Kanidm access issue'));
  });

  it('shows any other error answer as Kanidm sent it', async () => {
    setup = await kanidmSetup();
    setup.kanidm.force({ status: 400, body: '{"invalidattribute":"displayname"}' });

    await expect(setup.store.setDisplayName('bob', 'B')).rejects.toMatchObject(kanidm500('Method: PATCH', 'Error: {"invalidattribute":"displayname"}'));
  });

  it('answers a non-JSON body with "No JSON found in Kanidm response."', async () => {
    setup = await kanidmSetup();
    setup.kanidm.force({ status: 502, body: '<html>Bad Gateway</html>' });

    await expect(setup.store.list()).rejects.toMatchObject(kanidm500('Error: No JSON found in Kanidm response.', 'Bad Gateway'));
  });

  it.each([
    ['an empty person list', 'list', '[]', 'Kanidm returned an empty response.'],
    ['an object for a list', 'list', '{"attrs":{}}', 'Kanidm returned unknown type response.'],
    ['a person without attrs', 'get', '{"name":"bob"}', 'Kanidm returned unknown type response.'],
    ['a display name that is not a list', 'get', '{"attrs":{"name":["bob"],"displayname":"bob"}}', 'Attribute "displayname"'],
    ['a group list of strings', 'groups', '["sp.admins"]', 'Kanidm returned unknown type response.'],
  ] as const)('answers %s with a 500', async (_name, call, body, text) => {
    setup = await kanidmSetup();
    setup.kanidm.force({ status: 200, body });
    const run = { list: () => setup.store.list(), get: () => setup.store.get('bob'), groups: () => setup.store.listGroups() }[call];

    await expect(run()).rejects.toMatchObject(kanidm500(text));
  });

  it('answers a dropped connection with "Kanidm is not responding to requests."', async () => {
    setup = await kanidmSetup();
    setup.kanidm.force('drop');

    await expect(setup.store.list()).rejects.toMatchObject(kanidm500('Error: Kanidm is not responding to requests.'));
  });

  it('answers a Kanidm that is not listening with the same text', async () => {
    setup = await kanidmSetup();
    await setup.kanidm.close();

    await expect(setup.store.get('bob')).rejects.toMatchObject(kanidm500('Error: Kanidm is not responding to requests.'));
  });

  it('waits for a slow answer that comes within the timeout', async () => {
    setup = await kanidmSetup({ timeoutMs: 2000 });
    setup.kanidm.force({ status: 200, body: '[{"attrs":{"name":["slow"]}}]', delayMs: 300 });

    expect((await setup.store.list()).map((u) => u.username)).toEqual(['slow']);
  });

  it('gives up on a Kanidm that does not answer after the timeout, with a clear 500 instead of a hang', async () => {
    setup = await kanidmSetup({ timeoutMs: 300 });
    setup.kanidm.force('hang');
    const started = Date.now();

    await expect(setup.store.list()).rejects.toMatchObject(kanidm500('Error: Kanidm is not responding to requests. No answer in time.'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
