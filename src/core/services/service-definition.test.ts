import { describe, expect, it } from 'vitest';
import { InvalidDefinitionError, parseServiceDefinition } from './service-definition.js';

const minimal = (meta: Record<string, unknown> = {}, options: Record<string, unknown> = {}) => ({
  meta: { id: 'demo', name: 'Demo', systemdServices: ['demo.service'], ...meta },
  options,
});

describe('parseServiceDefinition', () => {
  it('fills the §9.3 defaults', () => {
    expect(parseServiceDefinition(minimal())).toMatchObject({
      kind: 'templated', id: 'demo', displayName: 'Demo', description: 'No description found!', svgIcon: '', showUrl: true,
      isMovable: false, isRequired: false, canBeBackedUp: true, backupDescription: 'No backup description found!',
      units: ['demo.service'], folders: [], license: [], homepage: null, sourcePage: null, supportLevel: 'UNKNOWN', options: [],
    });
  });

  it('gives folders to the user and group (user defaults to the id, group to the user) and keeps owned folders', () => {
    const parsed = parseServiceDefinition(minimal({ folders: ['/var/lib/demo'], ownedFolders: [{ path: '/var/lib/db', owner: 'postgres', group: 'postgres' }] }));

    expect(parsed.folders).toEqual([
      { path: '/var/lib/demo', owner: 'demo', group: 'demo' },
      { path: '/var/lib/db', owner: 'postgres', group: 'postgres' },
    ]);
    expect(parseServiceDefinition(minimal({ folders: ['/x'], user: 'u' })).folders[0]).toEqual({ path: '/x', owner: 'u', group: 'u' });
  });

  it('refuses a folder that is not an absolute, normalised path with a last segment', () => {
    for (const path of ['var/lib/demo', '/', '//', '/var/lib/../..', '/var/lib/demo/..', '/var/./lib', '/var//lib/demo', '/var/lib/demo/', '', '/var/lib/demo\n/etc']) {
      expect(() => parseServiceDefinition(minimal({ folders: [path] })), path).toThrow(InvalidDefinitionError);
      expect(() => parseServiceDefinition(minimal({ ownedFolders: [{ path, owner: 'demo', group: 'demo' }] })), path).toThrow('must be an absolute, normalised path below /');
    }
    expect(parseServiceDefinition(minimal({ folders: ['/var/lib/demo-2.0_x'] })).folders[0]!.path).toBe('/var/lib/demo-2.0_x');
  });

  it('refuses unit names outside the systemd charset or without a known suffix', () => {
    for (const unit of ['demo', '-rf.service', 'demo.service;reboot', 'demo service.service', 'demo.servicex', '../demo.service', 'a/b.service', '', `${'a'.repeat(250)}.service`]) {
      expect(() => parseServiceDefinition(minimal({ systemdServices: [unit] })), unit).toThrow(`systemd unit ${JSON.stringify(unit)} is not a valid unit name`);
    }
    const units = ['demo.service', 'demo@instance.service', 'phpfpm-nextcloud.service', 'demo.socket', 'demo.timer', 'demo-data.mount', 'sp_x:y.target'];
    expect(parseServiceDefinition(minimal({ systemdServices: units })).units).toEqual(units);
  });

  it('refuses user and group names that are not unix account names', () => {
    for (const name of ['root:wheel', '-demo', '.demo', 'de mo', 'demo\n', '', 'a'.repeat(33), 'dé']) {
      expect(() => parseServiceDefinition(minimal({ user: name })), name).toThrow(InvalidDefinitionError);
      expect(() => parseServiceDefinition(minimal({ group: name })), name).toThrow('is not a valid user or group name');
      expect(() => parseServiceDefinition(minimal({ ownedFolders: [{ path: '/var/lib/x', owner: name, group: 'x' }] })), name).toThrow(InvalidDefinitionError);
    }
    expect(() => parseServiceDefinition(minimal({ id: 'x:y', folders: ['/var/lib/x'] }))).toThrow('owner "x:y" is not a valid user or group name');
    expect(parseServiceDefinition(minimal({ folders: ['/var/vmail'], user: 'virtualMail', group: 'virtual_mail-2' })).folders[0]).toEqual({
      path: '/var/vmail', owner: 'virtualMail', group: 'virtual_mail-2',
    });
  });

  it('keeps config items, drops internal and meta-less options, maps support levels', () => {
    const parsed = parseServiceDefinition(
      minimal({ supportLevel: 'experimental' }, {
        enable: { default: false, meta: { type: 'enable' } },
        raw: { default: 1 },
        sub: { default: 'demo', description: 'Subdomain', meta: { type: 'string', widget: 'subdomain', regex: '[a-z]+', weight: 0 } },
        n: { default: 3, meta: { type: 'int', minValue: 1, maxValue: 5 } },
      }),
    );

    expect(parsed.supportLevel).toBe('EXPERIMENTAL');
    expect(parsed.options).toEqual([
      { name: 'sub', description: 'Subdomain', weight: 0, widget: 'subdomain', type: 'string', default: 'demo', regex: '[a-z]+', allowEmpty: false, subdomain: true },
      { name: 'n', description: '', weight: 50, widget: null, type: 'int', default: 3, minValue: 1, maxValue: 5 },
    ]);
  });

  it.each([
    ['no meta', { options: {} }],
    ['no options', { meta: { id: 'x', name: 'X', systemdServices: [] } }],
    ['no id', minimal({ id: undefined })],
    ['an id with a slash', minimal({ id: '../etc' })],
    ['no name', minimal({ name: undefined })],
    ['no systemdServices', minimal({ systemdServices: undefined })],
    ['a movable service without a location option', minimal({ isMovable: true })],
    ['an unknown option type', minimal({}, { x: { meta: { type: 'colour' } } })],
    ['a subdomain option without a regex', minimal({}, { s: { meta: { type: 'string', widget: 'subdomain' } } })],
    ['a malformed license', minimal({ license: [{ shortName: 'x' }] })],
  ])('rejects a definition with %s', (_case, document) => {
    expect(() => parseServiceDefinition(document)).toThrow(InvalidDefinitionError);
  });
});
