import { describe, expect, it } from 'vitest';
import { servicesDeps } from '../../../test/fakes/services-deps.js';
import { CoreError } from '../errors.js';
import { configurationItems, isValidConfigValue, pythonText, setServiceConfiguration } from './service-config.js';
import type { ConfigOption } from './service-types.js';

const base = { description: '', weight: 50, widget: null };
const subdomain: ConfigOption = { ...base, name: 'subdomain', type: 'string', default: 'cloud', widget: 'subdomain',
  regex: '[A-Za-z0-9][A-Za-z0-9\\-]{0,61}[A-Za-z0-9]', allowEmpty: false, subdomain: true };
const text = (over: Partial<ConfigOption & { type: 'string' }> = {}): ConfigOption =>
  ({ ...base, name: 't', type: 'string', default: '', regex: null, allowEmpty: false, subdomain: false, ...over }) as ConfigOption;
const count: ConfigOption = { ...base, name: 'n', type: 'int', default: 3, minValue: 1, maxValue: 5 };
const userData = { modules: { nextcloud: { subdomain: 'files' }, bitwarden: { enable: false }, monitoring: {} } };

describe('isValidConfigValue', () => {
  it('matches string regexes against the whole value', () => {
    expect(isValidConfigValue(subdomain, 'cloud', {})).toBe(true);
    expect(isValidConfigValue(subdomain, 'cloud.x', {})).toBe(false);
    expect(isValidConfigValue(subdomain, '-cloud', {})).toBe(false);
    expect(isValidConfigValue(text({ regex: '[0-9]+' }), '12a', {})).toBe(false);
    expect(isValidConfigValue(text({ regex: '[0-9]+|x' }), 'x1', {})).toBe(false);
    expect(isValidConfigValue(text({ regex: '[0-9]+|x' }), '12', {})).toBe(true);
  });

  it('refuses a subdomain that is more than one DNS label, and control characters in any string', () => {
    const loose = { ...subdomain, regex: '.*' } as ConfigOption;

    expect(isValidConfigValue(subdomain, 'vpn2; return 302 https://evil.example/;\n#', {})).toBe(false);
    expect(isValidConfigValue(loose, 'a.b', {})).toBe(false);
    expect(isValidConfigValue(loose, 'a'.repeat(64), {})).toBe(false);
    expect(isValidConfigValue(loose, 'vpn-2', {})).toBe(true);
    expect(isValidConfigValue(text(), 'line\nbreak', {})).toBe(false);
    expect(isValidConfigValue(text(), 'tab\there', {})).toBe(false);
    expect(isValidConfigValue(text(), 'del\u007f', {})).toBe(false);
    expect(isValidConfigValue(text(), 'plain text, ünïcode', {})).toBe(true);
  });

  it('allows an empty string only with allowEmpty', () => {
    expect(isValidConfigValue(text(), '', {})).toBe(false);
    expect(isValidConfigValue(text({ allowEmpty: true }), '', {})).toBe(true);
  });

  it('refuses reserved subdomains and those other modules use (own value or legacy default)', () => {
    for (const reserved of ['admin', 'administrator', 'api', 'auth', 'user', 'users', 'ntfy']) {
      expect(isValidConfigValue(subdomain, reserved, {})).toBe(false);
    }
    expect(isValidConfigValue(subdomain, 'files', userData)).toBe(false); // nextcloud's own current value
    expect(isValidConfigValue(subdomain, 'password', userData)).toBe(false); // bitwarden's legacy default
    expect(isValidConfigValue(subdomain, 'git', userData)).toBe(true); // gitea is not in this userdata
    expect(isValidConfigValue(subdomain, 'cloud', userData)).toBe(true); // nextcloud has its own subdomain key
  });

  it('checks types: bool is a JSON boolean, enum one of its options, int an integer within bounds', () => {
    const flag: ConfigOption = { ...base, name: 'b', type: 'bool', default: false };
    const choice: ConfigOption = { ...base, name: 'e', type: 'enum', default: 'a', options: ['a', 'b'] };

    expect([true, false, 'true', 1, null].map((v) => isValidConfigValue(flag, v, {}))).toEqual([true, true, false, false, false]);
    expect(['b', 'c', 1].map((v) => isValidConfigValue(choice, v, {}))).toEqual([true, false, false]);
    expect([1, 5, 0, 6, 2.5, true, '3'].map((v) => isValidConfigValue(count, v, {}))).toEqual([true, true, false, false, false, false, false]);
    expect(isValidConfigValue(text(), 12, {})).toBe(false);
  });
});

describe('pythonText', () => {
  it('prints values the way the reference message shows them', () => {
    expect([true, false, null, 123, 1.5, 'x', ['a', 1], { k: 'v' }].map((v) => pythonText(v))).toEqual([
      'True', 'False', 'None', '123', '1.5', 'x', "['a', 1]", "{'k': 'v'}",
    ]);
  });
});

describe('configurationItems', () => {
  it('sorts by weight, uses stored values over defaults and leaves int items out', async () => {
    const deps = servicesDeps();
    const definitions = await deps.serviceDefinitions.load();
    const { parseServiceDefinition } = await import('./service-definition.js');
    const gitea = parseServiceDefinition(definitions.find((d) => d.origin.endsWith('gitea'))!.document);

    const items = configurationItems({ ...gitea, options: [...gitea.options, count] }, { modules: { gitea: { theme: 'gitea-dark' } } });

    expect(items!.map((i) => [i.fieldId, i.value, i.widget])).toEqual([
      ['subdomain', 'git', 'subdomain'],
      ['appName', 'SelfPrivacy git Service', 'text'],
      ['enableLfs', true, 'switch'],
      ['theme', 'gitea-dark', 'select'],
      ['disableRegistration', false, 'switch'],
    ]);
    expect(configurationItems({ ...gitea, options: [] }, {})).toBeNull();
  });
});

describe('setServiceConfiguration', () => {
  it('writes all values when every key passes', async () => {
    const deps = servicesDeps();

    await setServiceConfiguration(deps, 'bitwarden', { signupsAllowed: false, subdomain: 'vault' });

    expect(deps.userData.document.modules!.bitwarden).toEqual({ enable: true, location: 'sda1', subdomain: 'vault', signupsAllowed: false });
  });

  it('writes nothing when a later key fails, and names the first failing key', async () => {
    const deps = servicesDeps();
    const before = structuredClone(deps.userData.document);

    const err = await setServiceConfiguration(deps, 'bitwarden', { signupsAllowed: false, sendsAllowed: 'no', colour: 1 }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(CoreError);
    expect(err).toMatchObject({ code: 'INVALID_SERVICE_CONFIGURATION', message: 'Value no is not valid for sendsAllowed', status: 400 });
    expect(deps.userData.document).toEqual(before);
  });

  it('rejects an unknown key and an unknown service with their messages', async () => {
    const deps = servicesDeps();

    await expect(setServiceConfiguration(deps, 'bitwarden', { location: 'sdb' })).rejects.toMatchObject({ message: 'Key location is not valid for bitwarden' });
    await expect(setServiceConfiguration(deps, 'ghost', {})).rejects.toMatchObject({ code: 'SERVICE_NOT_FOUND', message: 'Service does not exist: ghost' });
  });

  it('rejects re-submitting the unchanged subdomain (the reference counts it as taken)', async () => {
    const deps = servicesDeps();

    await expect(setServiceConfiguration(deps, 'nextcloud', { subdomain: 'cloud' })).rejects.toMatchObject({ message: 'Value cloud is not valid for subdomain' });
  });
});
