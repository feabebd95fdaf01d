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
