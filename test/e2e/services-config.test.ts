import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';
import { query, serviceById, userdata } from './services-helpers.js';

// End-to-end over HTTP: services.setServiceConfiguration (spec §5.6, §9.7): every key validated
// before anything is written, the reference's messages, the userdata file after each call.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

async function configure(serviceId: string, configuration: unknown) {
  const data = await query(
    server,
    'mutation($input: SetServiceConfigurationInput!) { services { setServiceConfiguration(input: $input) { success code message service { id url } } } }',
    { input: { serviceId, configuration } },
  );
  return data.services.setServiceConfiguration;
}

describe('setServiceConfiguration', () => {
  it('writes every valid value to modules.<id> and shows it in the service', async () => {
    const result = await configure('nextcloud', { subdomain: 'files', enableImagemagick: false });

    expect(result).toEqual({ success: true, code: 200, message: 'Service configuration updated.', service: { id: 'nextcloud', url: 'https://files.example.org' } });
    expect(userdata(server).modules.nextcloud).toEqual({ enable: true, location: 'sdb', subdomain: 'files', enableImagemagick: false });
    const items = (await serviceById(server, 'nextcloud', 'id configuration { fieldId ... on BoolConfigItem { value } ... on StringConfigItem { s: value } }')).configuration;
    expect(items).toEqual([{ fieldId: 'subdomain', s: 'files' }, { fieldId: 'enableImagemagick', value: false }, { fieldId: 'enableSambaFeatures', value: false }]);
  });

  it('writes an enum value from its options', async () => {
    expect(await configure('gitea', { theme: 'gitea-dark', appName: 'Our forge' })).toMatchObject({ success: true, code: 200 });
    expect(userdata(server).modules.gitea).toMatchObject({ theme: 'gitea-dark', appName: 'Our forge' });
  });

  it('rejects an unknown key with 400 and writes nothing, even when other keys are valid', async () => {
    const before = userdata(server);

    const result = await configure('nextcloud', { enableSambaFeatures: true, colour: 'blue' });

    expect(result).toEqual({ success: false, code: 400, message: 'Key colour is not valid for nextcloud', service: { id: 'nextcloud', url: 'https://files.example.org' } });
    expect(userdata(server)).toEqual(before);
  });

  it.each([
    ['a bool as a string', 'nextcloud', { enableImagemagick: 'true' }, 'Value true is not valid for enableImagemagick'],
    ['a string as a bool', 'gitea', { appName: true }, 'Value True is not valid for appName'],
    ['a value outside the enum', 'gitea', { theme: 'solarized' }, 'Value solarized is not valid for theme'],
    ['a number for a string', 'gitea', { appName: 123 }, 'Value 123 is not valid for appName'],
    ['null', 'bitwarden', { signupsAllowed: null }, 'Value None is not valid for signupsAllowed'],
    ['an empty string where empty is not allowed', 'gitea', { appName: '' }, 'Value  is not valid for appName'],
    ['a reserved subdomain', 'nextcloud', { subdomain: 'api' }, 'Value api is not valid for subdomain'],
    ["another service's subdomain", 'nextcloud', { subdomain: 'git' }, 'Value git is not valid for subdomain'],
    ["a disabled module's legacy default subdomain", 'nextcloud', { subdomain: 'password' }, 'Value password is not valid for subdomain'],
    ['its own unchanged subdomain (faithful quirk)', 'nextcloud', { subdomain: 'files' }, 'Value files is not valid for subdomain'],
    ['a subdomain failing the regex at its start', 'nextcloud', { subdomain: '-files' }, 'Value -files is not valid for subdomain'],
    ['a string failing an anchored regex', 'roundcube', { maxAttachmentSize: '25MB' }, 'Value 25MB is not valid for maxAttachmentSize'],
  ])('rejects %s with 400 and writes nothing', async (_case, id, configuration, message) => {
    const before = userdata(server);

    const result = await configure(id, configuration);

    expect(result).toMatchObject({ success: false, code: 400, message, service: { id } });
    expect(userdata(server)).toEqual(before);
  });

  it.each([
    ['a subdomain that only starts like one', 'vault.x'],
    ['an nginx directive after a valid label', 'vpn2; return 302 https://evil.example/;\n#'],
  ])('refuses %s (the whole value must match) and writes nothing', async (_case, value) => {
    const before = userdata(server);

    const result = await configure('bitwarden', { subdomain: value });

    expect(result).toMatchObject({ success: false, code: 400, message: `Value ${value} is not valid for subdomain` });
    expect(userdata(server)).toEqual(before);
  });

  it('creates the module object of a service that has none yet', async () => {
    expect(await configure('roundcube', { maxAttachmentSize: '50M' })).toMatchObject({ success: true });
    expect(userdata(server).modules.roundcube).toEqual({ maxAttachmentSize: '50M' });
  });

  it('answers 404 for an unknown service, without a service', async () => {
    expect(await configure('nope', { a: 1 })).toEqual({ success: false, code: 404, message: 'Service does not exist: nope', service: null });
  });

  it('rejects a configuration that is not an object', async () => {
    expect(await configure('nextcloud', ['subdomain'])).toMatchObject({ success: false, code: 400, message: "Configuration must be an object of {fieldId: value}, not ['subdomain']" });
  });

  it('needs a token', async () => {
    const res = await gql(server, 'mutation { services { setServiceConfiguration(input: {serviceId: "nextcloud", configuration: {}}) { success } } }');

    expect(res.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
