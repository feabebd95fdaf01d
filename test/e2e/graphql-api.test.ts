import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';

// End-to-end over HTTP: the `api` query, every ApiMutations operation and its deprecated root twin
// (spec §1.3, §2.3, §3).

const UNAUTHENTICATED = 'You must be authenticated to access this resource.';
const EXPIRATION_IN_PAST =
  'Specified expiration date is in the past. Please provide a future date.\n' +
  "If you believe this is a mistake, there may be a problem with the server's date/time settings.";
const USES_NOT_POSITIVE = 'Uses left must be greater than 0.';
const RECOVERY_KEY_NOT_FOUND = 'Recovery key is not found or no longer valid.';
const TOKEN_NOT_FOUND = 'Access token was not found.';
const CANNOT_DELETE_OWN =
  'The access token you\u2019re trying to delete is currently in use by this device, so removing access is not possible.';

/** Python isoformat() without offset: `YYYY-MM-DDTHH:MM:SS[.ffffff]`. */
const NAIVE_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/;
/** Aware UTC isoformat(): `...+00:00`. */
const UTC_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$/;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
/** A well-formed 18-word BIP-39 phrase that is (almost surely) not the stored key. */
const FOREIGN_18_WORDS =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon agent';
const FOREIGN_12_WORDS = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

let server: TestServer;

beforeAll(async () => {
  // Many deliberate wrong-key attempts below: keep the brute-force limiter out of the way.
  server = await startTestServer({ authMaxFailures: 10_000 });
});

afterAll(async () => {
  await server?.close();
});

type Variant = 'api' | 'root';

/** Runs one ApiMutations operation either as `mutation { api { op } }` or as its deprecated root twin. */
async function apiMutation(
  variant: Variant,
  op: string,
  opts: { params?: string; args?: string; variables?: Record<string, unknown>; fields?: string; token?: string } = {},
) {
  const call = `${op}${opts.args ? `(${opts.args})` : ''} { success code message ${opts.fields ?? ''} }`;
  const body = variant === 'api' ? `api { ${call} }` : call;
  const query = `mutation${opts.params ? `(${opts.params})` : ''} { ${body} }`;
  const res = await gql(server, query, opts.variables, opts.token);
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
  return variant === 'api' ? res.body.data.api[op] : res.body.data[op];
}

const newRecoveryKey = (variant: Variant, limits?: Record<string, unknown>, token = server.token) =>
  apiMutation(variant, 'getNewRecoveryApiKey', {
    params: '$limits: RecoveryKeyLimitsInput',
    args: 'limits: $limits',
    variables: { limits: limits ?? null },
    fields: 'key',
    token,
  });

const useRecoveryKey = (variant: Variant, key: string, deviceName: string) =>
  apiMutation(variant, 'useRecoveryApiKey', {
    params: '$input: UseRecoveryKeyInput!',
    args: 'input: $input',
    variables: { input: { key, deviceName } },
    fields: 'token',
  });

const newDeviceKey = (variant: Variant, token = server.token) =>
  apiMutation(variant, 'getNewDeviceApiKey', { fields: 'key', token });

const authorizeDevice = (variant: Variant, key: string, deviceName: string) =>
  apiMutation(variant, 'authorizeWithNewDeviceApiKey', {
    params: '$input: UseNewDeviceKeyInput!',
    args: 'input: $input',
    variables: { input: { key, deviceName } },
    fields: 'token',
  });

const deleteDevice = (variant: Variant, device: string, token: string) =>
  apiMutation(variant, 'deleteDeviceApiToken', {
    params: '$device: String!',
    args: 'device: $device',
    variables: { device },
    token,
  });

async function devices(token: string): Promise<Array<{ name: string; creationDate: string; isCaller: boolean }>> {
  const res = await gql(server, '{ api { devices { name creationDate isCaller } } }', undefined, token);
  expect(res.body.errors).toBeUndefined();
  return res.body.data.api.devices;
}

async function recoveryKeyStatus() {
  const res = await gql(
    server,
    '{ api { recoveryKey { exists valid creationDate expirationDate usesLeft } } }',
    undefined,
    server.token,
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data.api.recoveryKey;
}

/** Whether a token is accepted (a protected field resolves with it). */
async function tokenWorks(token: string): Promise<boolean> {
  const res = await gql(server, '{ api { devices { name } } }', undefined, token);
  return res.body.data !== null && res.body.errors === undefined;
}

/** A fresh device paired through the new-device flow (namespaced API), with its name and token. */
async function pairDevice(rawName: string): Promise<{ name: string; token: string }> {
  const before = new Set((await devices(server.token)).map((d) => d.name));
  const { key } = await newDeviceKey('api');
  const { token } = await authorizeDevice('api', key, rawName);
  expect(token).toMatch(TOKEN_SHAPE);
  const added = (await devices(server.token)).filter((d) => !before.has(d.name));
  expect(added).toHaveLength(1);
  return { name: added[0]!.name, token };
}

function expectUnauthenticated(res: { status: number; body: { data?: any; errors?: any[] } }, path: string[]) {
  expect(res.status).toBe(200);
  expect(res.body.data).toBeNull();
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors![0]).toMatchObject({
    message: UNAUTHENTICATED,
    path,
    extensions: { code: 'UNAUTHENTICATED' },
  });
}

describe('api queries', () => {
  it('api.version needs no token', async () => {
    const res = await gql(server, '{ api { version } }');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { api: { version: '3.8.4' } } });
  });

  it('api.devices and api.recoveryKey need a token', async () => {
    expectUnauthenticated(await gql(server, '{ api { devices { name } } }'), ['api', 'devices']);
    expectUnauthenticated(await gql(server, '{ api { recoveryKey { exists } } }'), ['api', 'recoveryKey']);
  });

  it('an unknown token is rejected like a missing one, with or without "Bearer "', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-real-token' },
      body: JSON.stringify({ query: '{ api { devices { name } } }' }),
    });
    expectUnauthenticated({ status: res.status, body: (await res.json()) as any }, ['api', 'devices']);
  });

  it('a bare token (without "Bearer ") is accepted', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: server.token },
      body: JSON.stringify({ query: '{ api { devices { name isCaller } } }' }),
    });
    const body = (await res.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.api.devices).toContainEqual({ name: 'initial', isCaller: true });
  });

  it('api.devices lists the devices, marks the caller and gives naive creation dates', async () => {
    const list = await devices(server.token);
    const initial = list.find((d) => d.name === 'initial');
    expect(initial).toBeDefined();
    expect(initial!.isCaller).toBe(true);
    expect(list.filter((d) => d.isCaller)).toHaveLength(1);
    for (const device of list) expect(device.creationDate).toMatch(NAIVE_ISO);
    // Naive *local* wall-clock time of creation (the server started moments ago).
    const created = new Date(initial!.creationDate).getTime(); // no offset: parsed as local time
    expect(Math.abs(Date.now() - created)).toBeLessThan(5 * 60_000);

    const other = await pairDevice('lister');
    const seenByOther = await devices(other.token);
    expect(seenByOther.find((d) => d.name === 'lister')?.isCaller).toBe(true);
    expect(seenByOther.find((d) => d.name === 'initial')?.isCaller).toBe(false);
    expect(seenByOther.filter((d) => d.isCaller)).toHaveLength(1);
    expect(seenByOther.find((d) => d.name === 'lister')!.creationDate).toMatch(NAIVE_ISO);
  });
});

describe('authentication of protected api mutations', () => {
  const protectedOps: Array<{ op: string; args?: string; fields?: string }> = [
    { op: 'getNewRecoveryApiKey', fields: 'key' },
    { op: 'refreshDeviceApiToken', fields: 'token' },
    { op: 'deleteDeviceApiToken', args: 'device: "initial"' },
    { op: 'getNewDeviceApiKey', fields: 'key' },
    { op: 'invalidateNewDeviceApiKey' },
  ];

  for (const { op, args, fields } of protectedOps) {
    it(`${op} needs a token (namespaced and root), and does nothing without one`, async () => {
      const call = `${op}${args ? `(${args})` : ''} { success code message ${fields ?? ''} }`;
      expectUnauthenticated(await gql(server, `mutation { api { ${call} } }`), ['api', op]);
      expectUnauthenticated(await gql(server, `mutation { ${call} }`), [op]);
      expectUnauthenticated(await gql(server, `mutation { ${call} }`, undefined, 'wrong-token'), [op]);
    });
  }

  it('refused calls had no side effects', async () => {
    expect(await recoveryKeyStatus()).toEqual({
      exists: false,
      valid: false,
      creationDate: null,
      expirationDate: null,
      usesLeft: null,
    });
    expect((await devices(server.token)).map((d) => d.name)).toContain('initial');
    expect(await tokenWorks(server.token)).toBe(true);
  });
});

describe('DateTime input', () => {
  it('an unparsable DateTime variable gives an error and no data', async () => {
    const res = await gql(
      server,
      'mutation($limits: RecoveryKeyLimitsInput) { api { getNewRecoveryApiKey(limits: $limits) { success code message key } } }',
      { limits: { expirationDate: 'not-a-date' } },
      server.token,
    );
    expect(res.status).toBe(200);
    expect(res.body).toHaveProperty('data', null);
    expect(res.body.errors?.length).toBeGreaterThan(0);
    expect(res.body.errors![0].message).toContain('expirationDate');
    expect((await recoveryKeyStatus()).exists).toBe(false);
  });
});

describe.each<Variant>(['api', 'root'])('token operations (%s)', (variant) => {
  it('getNewRecoveryApiKey refuses an expiration date in the past', async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    expect(await newRecoveryKey(variant, { expirationDate: past })).toEqual({
      success: false,
      code: 400,
      message: EXPIRATION_IN_PAST,
      key: null,
    });
    // A naive date is UTC: yesterday, written without offset, is in the past too.
    const naivePast = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d+Z$/, '');
    expect(await newRecoveryKey(variant, { expirationDate: naivePast })).toMatchObject({
      success: false,
      code: 400,
      message: EXPIRATION_IN_PAST,
    });
  });

  it('getNewRecoveryApiKey refuses uses <= 0', async () => {
    for (const uses of [0, -1]) {
      expect(await newRecoveryKey(variant, { uses })).toEqual({
        success: false,
        code: 400,
        message: USES_NOT_POSITIVE,
        key: null,
      });
    }
  });

  it('getNewRecoveryApiKey generates an 18-word key; api.recoveryKey reports it', async () => {
    const result = await newRecoveryKey(variant);
    expect(result).toMatchObject({ success: true, code: 200, message: 'Recovery key generated' });
    const words = result.key.split(' ');
    expect(words).toHaveLength(18);
    for (const word of words) expect(word).toMatch(/^[a-z]+$/);

    const status = await recoveryKeyStatus();
    expect(status).toMatchObject({ exists: true, valid: true, expirationDate: null, usesLeft: null });
    expect(status.creationDate).toMatch(UTC_ISO);
    expect(Math.abs(Date.now() - new Date(status.creationDate).getTime())).toBeLessThan(60_000);
  });

  it('getNewRecoveryApiKey stores limits; a naive expiration date is read as UTC', async () => {
    const result = await newRecoveryKey(variant, { expirationDate: '2099-01-02T03:04:05', uses: 2 });
    expect(result).toMatchObject({ success: true, code: 200, message: 'Recovery key generated' });
    expect(result.key.split(' ')).toHaveLength(18);
    const status = await recoveryKeyStatus();
    expect(status).toMatchObject({
      exists: true,
      valid: true,
      expirationDate: '2099-01-02T03:04:05+00:00',
      usesLeft: 2,
    });
    expect(status.creationDate).toMatch(UTC_ISO);
  });

  it('useRecoveryApiKey needs no token; a wrong phrase is refused with 404', async () => {
    await newRecoveryKey(variant);
    for (const wrong of [FOREIGN_18_WORDS, 'not a mnemonic at all', '']) {
      expect(await useRecoveryKey(variant, wrong, 'thief')).toEqual({
        success: false,
        code: 404,
        message: RECOVERY_KEY_NOT_FOUND,
        token: null,
      });
    }
    expect((await devices(server.token)).map((d) => d.name)).not.toContain('thief');
  });

  it('useRecoveryApiKey trades the phrase for a working token and spends its uses', async () => {
    const { key } = await newRecoveryKey(variant, { uses: 2 });
    const first = await useRecoveryKey(variant, key, `rec${variant}`);
    expect(first).toMatchObject({ success: true, code: 200, message: 'Recovery key used' });
    expect(first.token).toMatch(TOKEN_SHAPE);
    const seen = await devices(first.token);
    expect(seen.find((d) => d.isCaller)?.name).toBe(`rec${variant}`);
    expect(await recoveryKeyStatus()).toMatchObject({ exists: true, valid: true, usesLeft: 1 });

    const second = await useRecoveryKey(variant, key, `rec${variant}two`);
    expect(second).toMatchObject({ success: true, code: 200, message: 'Recovery key used' });
    expect(second.token).not.toBe(first.token);
    expect(await tokenWorks(second.token)).toBe(true);
    // Used up: kept, but invalid.
    expect(await recoveryKeyStatus()).toMatchObject({ exists: true, valid: false, usesLeft: 0 });
    expect(await useRecoveryKey(variant, key, `rec${variant}three`)).toEqual({
      success: false,
      code: 404,
      message: RECOVERY_KEY_NOT_FOUND,
      token: null,
    });
  });

  it('generating a recovery key replaces the previous one', async () => {
    const { key: old } = await newRecoveryKey(variant);
    const { key: fresh } = await newRecoveryKey(variant);
    expect(fresh).not.toBe(old);
    expect(await useRecoveryKey(variant, old, 'stale')).toMatchObject({ success: false, code: 404 });
    expect(await useRecoveryKey(variant, fresh, `fresh${variant}`)).toMatchObject({ success: true, code: 200 });
  });

  it('refreshDeviceApiToken replaces the caller token, keeping name and creation date', async () => {
    const device = await pairDevice(`refresh${variant}`);
    const before = (await devices(server.token)).find((d) => d.name === device.name)!;

    const result = await apiMutation(variant, 'refreshDeviceApiToken', { fields: 'token', token: device.token });
    expect(result).toMatchObject({ success: true, code: 200, message: 'Token refreshed' });
    expect(result.token).toMatch(TOKEN_SHAPE);
    expect(result.token).not.toBe(device.token);

    expectUnauthenticated(await gql(server, '{ api { devices { name } } }', undefined, device.token), ['api', 'devices']);
    const seen = await devices(result.token);
    expect(seen.find((d) => d.isCaller)).toEqual({ ...before, isCaller: true });
    expect(seen.filter((d) => d.name === device.name)).toHaveLength(1);
  });

  it('deleteDeviceApiToken refuses the caller’s own token and unknown names, deletes others', async () => {
    const victim = await pairDevice(`victim${variant}`);
    expect(await deleteDevice(variant, victim.name, victim.token)).toEqual({
      success: false,
      code: 400,
      message: CANNOT_DELETE_OWN,
    });
    expect(await deleteDevice(variant, 'initial', server.token)).toEqual({
      success: false,
      code: 400,
      message: CANNOT_DELETE_OWN,
    });
    expect(await deleteDevice(variant, 'no-such-device', server.token)).toEqual({
      success: false,
      code: 404,
      message: TOKEN_NOT_FOUND,
    });
    expect(await tokenWorks(victim.token)).toBe(true);

    expect(await deleteDevice(variant, victim.name, server.token)).toEqual({
      success: true,
      code: 200,
      message: 'Token deleted',
    });
    expect((await devices(server.token)).map((d) => d.name)).not.toContain(victim.name);
    expect(await tokenWorks(victim.token)).toBe(false);
    // Deleting again: gone.
    expect(await deleteDevice(variant, victim.name, server.token)).toMatchObject({ success: false, code: 404 });
  });

  it('getNewDeviceApiKey gives a 12-word key; authorizeWithNewDeviceApiKey uses it once', async () => {
    const generated = await newDeviceKey(variant);
    expect(generated).toMatchObject({ success: true, code: 200, message: 'Device api key generated' });
    const words = generated.key.split(' ');
    expect(words).toHaveLength(12);
    for (const word of words) expect(word).toMatch(/^[a-z]+$/);

    const used = await authorizeDevice(variant, generated.key, `paired${variant}`);
    expect(used).toMatchObject({ success: true, code: 200, message: 'Token used' });
    expect(used.token).toMatch(TOKEN_SHAPE);
    expect((await devices(used.token)).find((d) => d.isCaller)?.name).toBe(`paired${variant}`);

    expect(await authorizeDevice(variant, generated.key, `again${variant}`)).toEqual({
      success: false,
      code: 404,
      message: TOKEN_NOT_FOUND,
      token: null,
    });
    expect((await devices(server.token)).map((d) => d.name)).not.toContain(`again${variant}`);
  });

  it('authorizeWithNewDeviceApiKey refuses a wrong phrase with 404 and keeps the key usable', async () => {
    const { key } = await newDeviceKey(variant);
    for (const wrong of [FOREIGN_12_WORDS, 'garbage words', '']) {
      expect(await authorizeDevice(variant, wrong, 'intruder')).toEqual({
        success: false,
        code: 404,
        message: TOKEN_NOT_FOUND,
        token: null,
      });
    }
    expect(await authorizeDevice(variant, key, `legit${variant}`)).toMatchObject({ success: true, code: 200 });
  });

  it('a new getNewDeviceApiKey replaces the previous key', async () => {
    const { key: old } = await newDeviceKey(variant);
    const { key: fresh } = await newDeviceKey(variant);
    expect(fresh).not.toBe(old);
    expect(await authorizeDevice(variant, old, 'old-key')).toMatchObject({ success: false, code: 404 });
    expect(await authorizeDevice(variant, fresh, `newkey${variant}`)).toMatchObject({ success: true, code: 200 });
  });

  it('invalidateNewDeviceApiKey deletes the key (and succeeds when there is none)', async () => {
    const { key } = await newDeviceKey(variant);
    expect(await apiMutation(variant, 'invalidateNewDeviceApiKey', { token: server.token })).toEqual({
      success: true,
      code: 200,
      message: 'New device key deleted',
    });
    expect(await authorizeDevice(variant, key, 'too-late')).toEqual({
      success: false,
      code: 404,
      message: TOKEN_NOT_FOUND,
      token: null,
    });
    expect(await apiMutation(variant, 'invalidateNewDeviceApiKey', { token: server.token })).toEqual({
      success: true,
      code: 200,
      message: 'New device key deleted',
    });
  });
});

describe('device names', () => {
  async function pairAs(variant: Variant, rawName: string) {
    const { key } = await newDeviceKey(variant);
    const result = await authorizeDevice(variant, key, rawName);
    expect(result).toMatchObject({ success: true, code: 200 });
    return (await devices(result.token)).find((d) => d.isCaller)!.name;
  }

  it('sanitizes every character outside [a-zA-Z0-9] to "_"', async () => {
    expect(await pairAs('api', 'My Phone')).toBe('My_Phone');
    expect(await pairAs('root', 'Pixel-8 (work)')).toBe('Pixel_8__work_');
    expect(await pairAs('api', 'Телефон')).toBe('_______');
  });

  it('an empty name becomes "Unknown device"', async () => {
    expect(await pairAs('root', '')).toBe('Unknown device');
  });

  it('a taken name gets random digits appended until unique', async () => {
    const first = await pairAs('api', 'Twin');
    const second = await pairAs('root', 'Twin');
    const third = await pairAs('api', 'Twin');
    expect(first).toBe('Twin');
    expect(second).toMatch(/^Twin\d+$/);
    expect(third).toMatch(/^Twin\d+$/);
    expect(new Set([first, second, third]).size).toBe(3);
    const names = (await devices(server.token)).map((d) => d.name);
    expect(names.filter((n) => n.startsWith('Twin'))).toHaveLength(3);
  });

  it('the recovery flow sanitizes names the same way', async () => {
    const { key } = await newRecoveryKey('api', { uses: 2 });
    const a = await useRecoveryKey('root', key, 'Lost Laptop');
    expect(a).toMatchObject({ success: true, code: 200 });
    expect((await devices(a.token)).find((d) => d.isCaller)!.name).toBe('Lost_Laptop');
    const b = await useRecoveryKey('api', key, '');
    expect(b).toMatchObject({ success: true, code: 200 });
    expect((await devices(b.token)).find((d) => d.isCaller)!.name).toMatch(/^Unknown device\d*$/);
  });

  it('device names are unique across the whole list', async () => {
    const names = (await devices(server.token)).map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
