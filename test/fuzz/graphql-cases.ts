import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { hugeString, invalidUtf8, junkPathSegment, junkString, junkValue, nestedJson, nestedJsonText } from '../support/fuzz-values.js';
import type { RawRequest } from '../support/raw-http.js';
import type { SeededRandom } from '../support/seeded-random.js';

// Malformed GraphQL requests built from the served schema. Queries may be sent as they are (they
// only read); a mutation is only ever sent with an unknown field in its selection, so validation
// refuses the whole operation and nothing is ever changed, whatever else is wrong with it.

export interface GraphqlCase {
  kind: string;
  request: RawRequest;
  mayDrop: boolean;
}

interface Context {
  rng: SeededRandom;
  schema: GraphQLSchema;
  authHeaders: [string, string | Buffer][];
}

const JSON_TYPE: [string, string] = ['Content-Type', 'application/json'];

const unknownField = (rng: SeededRandom) => `fuzz_${rng.int(0, 1e6)}`;

function plainFields(type: GraphQLObjectType): GraphQLField<unknown, unknown>[] {
  return Object.values(type.getFields()).filter((f) => f.args.every((a) => !isNonNullType(a.type)));
}

/** A selection set on `type` that validates (fields without required arguments, leaves at the bottom). */
function selection(rng: SeededRandom, type: GraphQLObjectType, depth: number): string {
  const fields = plainFields(type);
  if (fields.length === 0 || depth > 3) return '__typename';
  const chosen = new Set(Array.from({ length: rng.int(1, 3) }, () => rng.pick(fields)));
  return [...chosen]
    .map((f) => {
      const named = getNamedType(f.type);
      return isObjectType(named) ? `${f.name} { ${selection(rng, named, depth + 1)} }` : f.name;
    })
    .join(' ');
}

function validQuery(c: Context): string {
  return `query { ${selection(c.rng, c.schema.getQueryType()!, 0)} }`;
}

/** A field somewhere under a root type, with its path, for argument games. */
function fieldWithArgs(c: Context, root: GraphQLObjectType): { path: string[]; field: GraphQLField<unknown, unknown> } {
  const found: { path: string[]; field: GraphQLField<unknown, unknown> }[] = [];
  for (const top of Object.values(root.getFields())) {
    if (top.args.length > 0) found.push({ path: [], field: top });
    const named = getNamedType(top.type);
    if (isObjectType(named)) for (const f of Object.values(named.getFields())) if (f.args.length > 0) found.push({ path: [top.name], field: f });
  }
  return c.rng.pick(found);
}

/** A literal the argument's type does not accept. */
function wrongLiteral(rng: SeededRandom, type: GraphQLInputType): string {
  const inner = getNullableType(type);
  if (isNonNullType(type) && rng.chance(0.15)) return 'null';
  if (isListType(inner)) return rng.pick(['{a: 1}', `[${wrongLiteral(rng, inner.ofType)}]`]);
  if (isInputObjectType(inner)) return rng.pick(['"x"', '12', '[1, 2]', `{ ${unknownField(rng)}: 1 }`, 'true']);
  if (isEnumType(inner)) return rng.pick(['"HETZNER"', '12', 'NOT_A_VALUE', '{a: 1}']);
  if (isScalarType(inner) && ['Int', 'Float'].includes(inner.name)) return rng.pick(['"12"', 'true', '[1]', '1.5e999', '{a: 1}']);
  if (isScalarType(inner) && inner.name === 'Boolean') return rng.pick(['"true"', '1', '[true]', 'TRUE']);
  return rng.pick(['12', '1.5', 'true', '[1, 2]', '{a: "x"}', 'ENUM_VALUE']);
}

function argumentsText(rng: SeededRandom, args: readonly GraphQLArgument[], value: (a: GraphQLArgument) => string): string {
  return args.length === 0 ? '' : `(${args.map((a) => `${a.name}: ${value(a)}`).join(', ')})`;
}

/** A mutation that validation refuses: an unknown field sits in its selection. */
function refusedMutation(c: Context, args = true): string {
  const { path, field } = fieldWithArgs(c, c.schema.getMutationType()!);
  const call = `${field.name}${args ? argumentsText(c.rng, field.args, (a) => wrongLiteral(c.rng, a.type)) : ''} { ${unknownField(c.rng)} success }`;
  return `mutation { ${path.reduceRight((inner, name) => `${name} { ${inner} }`, call)} }`;
}

function post(c: Context, body: unknown, headers: [string, string | Buffer][] = [JSON_TYPE]): RawRequest {
  return { method: 'POST', target: '/graphql', headers: [...c.authHeaders, ...headers], body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) };
}

const ok = (request: RawRequest) => ({ request, mayDrop: false });

const KINDS: Record<string, (c: Context) => { request: RawRequest; mayDrop: boolean }> = {
  syntax: (c) => {
    const doc = c.rng.chance(0.5) ? validQuery(c) : refusedMutation(c);
    const at = c.rng.int(0, doc.length);
    const broken = c.rng.pick([
      () => doc.slice(0, at),
      () => doc.slice(0, at) + c.rng.pick(['{', '}', '(', ')', '[', '"', '"""', '$', '@', '!', ':', '...', '\\u', '&', '|', '\u0000', '\ufeff']) + doc.slice(at),
      () => `${doc} ${doc}`,
      () => `query { f(a: "\\uZZZZ") }`,
      () => `query { f(a: "${'unterminated'}`,
      () => junkString(c.rng, 200),
      () => '',
      () => `${'{'.repeat(c.rng.int(1, 50))}`,
    ])();
    return ok(post(c, { query: broken }));
  },
  'unknown-field': (c) => {
    const doc = c.rng.chance(0.5) ? validQuery(c).replace(/\{ /, `{ ${unknownField(c.rng)} `) : refusedMutation(c, false);
    return ok(post(c, { query: c.rng.chance(0.3) ? `{ ${unknownField(c.rng)} { ${unknownField(c.rng)} } }` : doc }));
  },
  'wrong-argument-type': (c) => {
    if (c.rng.chance(0.5)) return ok(post(c, { query: refusedMutation(c) }));
    const { path, field } = fieldWithArgs(c, c.schema.getQueryType()!);
    const args = c.rng.chance(0.8) ? argumentsText(c.rng, field.args, (a) => wrongLiteral(c.rng, a.type)) : `(${unknownField(c.rng)}: 1)`;
    const leaf = isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
    return ok(post(c, { query: `{ ${path.reduceRight((inner, name) => `${name} { ${inner} }`, `${field.name}${args}${leaf}`)} }` }));
  },
  'huge-string': (c) => {
    const huge = hugeString(c.rng, c.rng.pick([20_000, 200_000, 900_000, 1_500_000])).replace(/["\\]/g, 'x');
    const query = c.rng.pick([
      () => `{ jobs { getJob(jobId: "${huge}") { uid } } }`,
      () => `{ ${huge.replace(/\W/g, 'a')} }`,
      () => `# ${huge.replace(/[\r\n]/g, ' ')}\n{ __typename }`,
      () => `{ __typename }`,
    ])();
    return { request: post(c, { query, variables: query === '{ __typename }' ? { big: huge } : undefined }), mayDrop: huge.length > 1_000_000 };
  },
  'deep-nesting': (c) => {
    const depth = c.rng.pick([50, 200, 1000, 3000, 10_000]);
    const query = c.rng.pick([
      () => `{ __schema { types { fields { type ${'{ ofType '.repeat(depth)}{ name }${' }'.repeat(depth)} } } } }`,
      () => `{ ${'a { '.repeat(depth)}b${' }'.repeat(depth)} }`,
      () => `{ jobs { getJob(jobId: ${'['.repeat(depth)}"x"${']'.repeat(depth)}) { uid } } }`,
      () => `{ jobs { getJob(jobId: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}) { uid } } }`,
      () => `${'('.repeat(depth)}`,
    ])();
    return ok(post(c, { query }));
  },
  'many-aliases': (c) => {
    const count = c.rng.pick([100, 1000, 5000]);
    const field = c.rng.pick(['__typename', 'api { version }', 'system { busy }']);
    return ok(post(c, { query: `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }` }));
  },
  'invalid-variables': (c) => {
    const query = c.rng.chance(0.5)
      ? 'query($id: String!) { jobs { getJob(jobId: $id) { uid } } }'
      : `mutation($u: String!) { users { deleteUser(username: $u) { ${unknownField(c.rng)} success } } }`;
    const variables = c.rng.pick([
      () => ({ id: junkValue(c.rng), u: junkValue(c.rng) }),
      () => ({}),
      () => ({ id: nestedJson(c.rng, 50), u: [1] }),
      () => junkString(c.rng),
      () => [1, 2],
      () => 12,
      () => ({ [junkString(c.rng, 8)]: junkValue(c.rng) }),
    ])();
    if (c.rng.chance(0.2)) {
      const text = `{"query":${JSON.stringify(query)},"variables":{"id":${nestedJsonText(c.rng, 10_000)}}}`;
      return ok(post(c, text));
    }
    return ok(post(c, { query, variables }));
  },
  batched: (c) => ok(post(c, Array.from({ length: c.rng.int(0, 40) }, () => ({ query: validQuery(c) })))),
  'non-json-body': (c) => {
    const body = c.rng.pick<() => string | Buffer>([
      () => junkString(c.rng, 300),
      () => JSON.stringify({ query: validQuery(c) }).slice(0, c.rng.int(1, 30)),
      () => '',
      () => Buffer.concat([Buffer.from('{"query":"{ __typename '), invalidUtf8(c.rng), Buffer.from(' }"}')]),
      () => nestedJsonText(c.rng, 10_000),
      () => JSON.stringify(c.rng.pick(['{ __typename }', 12, null, true])),
      () => c.rng.bytes(c.rng.int(1, 400)),
    ])();
    return ok(post(c, body));
  },
  'get-with-junk': (c) => {
    const query = c.rng.pick([
      () => encodeURIComponent(validQuery(c)),
      () => encodeURIComponent(refusedMutation(c)),
      () => junkPathSegment(c.rng),
      () => '%ff%fe',
    ])();
    const extra = c.rng.pick(['', `&variables=${junkPathSegment(c.rng)}`, '&variables=%7B%22a%22', `&operationName=${junkPathSegment(c.rng)}`, '&extensions=%5B%5D']);
    const preflight: [string, string][] = c.rng.chance(0.5) ? [['apollo-require-preflight', 'true']] : [];
    return ok({ method: c.rng.pick(['GET', 'GET', 'HEAD', 'PUT', 'DELETE']), target: `/graphql?query=${query}${extra}`, headers: [...c.authHeaders, ...preflight] });
  },
  'wrong-content-type': (c) => {
    const type = c.rng.pick(['text/plain', 'application/graphql', 'multipart/form-data; boundary=zz', 'application/x-www-form-urlencoded', 'application/xml', '', 'application/json; charset=koi8-r']);
    const body = type === 'application/x-www-form-urlencoded' ? `query=${encodeURIComponent(validQuery(c))}` : c.rng.chance(0.5) ? validQuery(c) : JSON.stringify({ query: validQuery(c) });
    return ok(post(c, body, type ? [['Content-Type', type]] : []));
  },
  'content-encoding': (c) =>
    ok(post(c, { query: validQuery(c) }, [JSON_TYPE, ['Content-Encoding', c.rng.pick(['gzip', 'deflate', 'br', 'x-junk'])]])),
  'odd-envelope': (c) => {
    const body = c.rng.pick<() => unknown>([
      () => ({ query: c.rng.pick([12, null, true, [validQuery(c)], { a: 1 }]) }),
      () => ({}),
      () => ({ query: validQuery(c), operationName: c.rng.pick([5, 'Nope', '', null, ['a']]) }),
      () => ({ query: `query A { __typename } query A { __typename }`, operationName: 'A' }),
      () => ({ query: `query A { __typename } query B { __typename }` }),
      () => ({ query: validQuery(c), extensions: c.rng.pick([5, 'x', [1], { persistedQuery: { version: 1, sha256Hash: junkString(c.rng) } }]) }),
      () => ({ extensions: { persistedQuery: { version: c.rng.pick([1, 2, 'x']), sha256Hash: 'a'.repeat(64) } } }),
      () => ({ query: 'subscription { jobUpdates { uid } }' }),
      () => ({ query: '{ __schema { types { name fields { name } } } }' }),
      () => ({ query: `fragment F on Query { ...F } { ...F }` }),
      () => ({ query: `{ ...on Nope { a } }` }),
      () => ({ query: `{ __typename @skip(if: "x") @${unknownField(c.rng)} }` }),
    ])();
    return ok(post(c, body));
  },
};

function strangerHeaders(rng: SeededRandom, token: string): [string, string | Buffer][] {
  return rng.pick<() => [string, string | Buffer][]>([
    () => [],
    () => [['Authorization', `Bearer ${junkString(rng).replace(/[^\x21-\x7e]/g, 'x')}`]],
    () => [['Authorization', Buffer.concat([Buffer.from('Bearer '), invalidUtf8(rng)])]],
    () => [['Authorization', `Bearer ${token}x`]],
    () => [['Authorization', 'Bearer']],
  ])();
}

export const GRAPHQL_KINDS = Object.keys(KINDS);

/** One malformed GraphQL request of the given kind, with or without the valid `token`. */
export function graphqlCase(rng: SeededRandom, schema: GraphQLSchema, token: string, kind = rng.pick(GRAPHQL_KINDS)): GraphqlCase {
  const authHeaders: [string, string | Buffer][] = rng.chance(0.5) ? [['Authorization', `Bearer ${token}`]] : strangerHeaders(rng, token);
  return { kind, ...KINDS[kind]!({ rng, schema, authHeaders }) };
}
