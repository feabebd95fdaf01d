import { readFileSync } from 'node:fs';
import { type DocumentNode, Kind, buildASTSchema, findBreakingChanges, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildApiSchema } from '../../src/resolvers/build-schema.js';
import { SCHEMA_FILE, printApiSchema } from '../../src/resolvers/emit-schema.js';
import { DELIVERED_ROOT_FIELDS, DELIVERED_TYPES } from './delivered-schema.js';

const CONTRACT = new URL('../../contract/selfprivacy-schema.graphql', import.meta.url);

/** The contract cut down to the delivered types and root fields. */
function deliveredPartOf(contract: DocumentNode): DocumentNode {
  const definitions = contract.definitions.flatMap((def) => {
    if (!('name' in def) || !def.name) return [];
    const name = def.name.value as keyof typeof DELIVERED_ROOT_FIELDS;
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION && name in DELIVERED_ROOT_FIELDS) {
      const fields = def.fields?.filter((f) => DELIVERED_ROOT_FIELDS[name].includes(f.name.value));
      return [{ ...def, fields }];
    }
    return DELIVERED_TYPES.includes(name) ? [def] : [];
  });
  return { ...contract, definitions };
}

describe('emitted schema', () => {
  it('matches the committed schema.graphql (run `npm run schema` after changing types)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await printApiSchema());
  });

  it('has no breaking change against the delivered part of the contract', async () => {
    const contract = buildASTSchema(deliveredPartOf(parse(readFileSync(CONTRACT, 'utf8'))));

    const changes = findBreakingChanges(contract, await buildApiSchema());

    expect(changes).toEqual([]);
  });

  it('delivers the whole contract: every type and every root field', () => {
    const contract = parse(readFileSync(CONTRACT, 'utf8'));
    const missing = contract.definitions.flatMap((def) => {
      if (!('name' in def) || !def.name) return [];
      const name = def.name.value;
      if (!(name in DELIVERED_ROOT_FIELDS)) return DELIVERED_TYPES.includes(name) ? [] : [name];
      const fields = def.kind === Kind.OBJECT_TYPE_DEFINITION ? (def.fields ?? []) : [];
      return fields.map((f) => `${name}.${f.name.value}`).filter((f) => !DELIVERED_ROOT_FIELDS[name as keyof typeof DELIVERED_ROOT_FIELDS].includes(f.split('.')[1]!));
    });

    expect(missing).toEqual([]);
  });

  it('the cut-down contract still contains every delivered root field (the check is not vacuous)', () => {
    const contract = buildASTSchema(deliveredPartOf(parse(readFileSync(CONTRACT, 'utf8'))));

    expect(Object.keys(contract.getMutationType()!.getFields()).sort()).toEqual([...DELIVERED_ROOT_FIELDS.Mutation].sort());
    expect(Object.keys(contract.getSubscriptionType()!.getFields()).sort()).toEqual([...DELIVERED_ROOT_FIELDS.Subscription].sort());
  });
});
