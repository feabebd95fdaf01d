import {
  hugeString,
  invalidUtf8,
  junkContainer,
  junkPathSegment,
  junkString,
  junkValue,
  nestedJson,
  nestedJsonText,
} from '../support/fuzz-values.js';
import type { RawRequest } from '../support/raw-http.js';
import type { SeededRandom } from '../support/seeded-random.js';
import type { Operation } from './openapi-operations.js';

// One malformed request for one REST operation. A request carrying a valid token must be refused
// whatever the operation does, so the userdata file stays untouched:
// - an operation with fields gets one field "poisoned" in the body and the query string (a JSON
//   object or a repeated query key, which no string, boolean or integer field accepts);
// - an operation with path parameters only gets parameters that name nothing;
// - an operation with no input at all (reboot, refresh token ...) gets only malformations refused
//   before any handler runs (encodings, sizes, charsets, framing, unknown paths and methods).

export interface RestCase {
  kind: string;
  request: RawRequest;
  /** The server may close the connection without an answer (broken framing, half-sent bodies). */
  mayDrop: boolean;
}

interface Context {
  rng: SeededRandom;
  op: Operation;
  authHeaders: [string, string | Buffer][];
  poison?: string;
}

type Build = (c: Context) => Omit<RestCase, 'kind'>;

const JSON_TYPE: [string, string] = ['Content-Type', 'application/json'];

function poisonedObject(c: Context, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { ...extra };
  for (const field of c.op.fields) if (c.rng.chance(0.5)) body[field.name] = junkValue(c.rng);
  if (c.poison) body[c.poison] = junkContainer(c.rng);
  return body;
}

function poisonQuery(c: Context): string[] {
  if (!c.poison) return [];
  const key = encodeURIComponent(c.poison);
  return [`${key}=fz`, `${key}=fz2`];
}

/** The operation's path with its parameters filled in (junk ones when `junk`), plus a query string. */
function target(c: Context, junk: boolean, query: string[] = poisonQuery(c)): string {
  const path = c.op.path.replace(/\{\w+\}/g, () => (junk || !c.poison ? junkPathSegment(c.rng) : 'fuzz_nobody'));
  return query.length > 0 ? `${path}?${query.join('&')}` : path;
}

function jsonRequest(c: Context, body: string | Buffer, headers: [string, string | Buffer][] = [JSON_TYPE]) {
  return { method: c.op.method, target: target(c, false), headers: [...c.authHeaders, ...headers], body };
}

/** Refused before any route handler: safe to send with a valid token to any operation. */
const TRANSPORT: Record<string, Build> = {
  'content-encoding': (c) => ({
    request: jsonRequest(c, JSON.stringify(poisonedObject(c)), [
      JSON_TYPE,
      ['Content-Encoding', c.rng.pick(['gzip', 'deflate', 'br', 'x-gzip', 'gzip, deflate', 'GZIP', 'compress', 'x-junk'])],
    ]),
    mayDrop: false,
  }),
  'oversized-body': (c) => ({
    request: jsonRequest(c, JSON.stringify({ [c.poison ?? 'data']: hugeString(c.rng, c.rng.int(1_100_000, 2_000_000)) })),
    mayDrop: true,
  }),
  'too-many-form-fields': (c) => ({
    request: jsonRequest(
      c,
      Array.from({ length: c.rng.int(1001, 3000) }, (_, i) => `f${i}=${i}`).join('&'),
      [['Content-Type', 'application/x-www-form-urlencoded']],
    ),
    mayDrop: false,
  }),
  'unsupported-charset': (c) => ({
    request: jsonRequest(c, JSON.stringify(poisonedObject(c)), [
      ['Content-Type', `application/json; charset=${c.rng.pick(['koi8-r', 'x-junk', 'latin1', 'ebcdic-cp-us'])}`],
    ]),
    mayDrop: false,
  }),
  'unknown-path': (c) => {
    const path = target(c, true, []);
    const variant = c.rng.pick([
      () => `${path}/${junkPathSegment(c.rng)}`,
      () => `${path}/`,
      () => `/${path}`,
      () => path.toUpperCase(),
      () => `${path}${junkPathSegment(c.rng)}`,
      () => `${path.replace(/\/[^/]*$/, '')}/${junkPathSegment(c.rng)}`,
    ])();
    return { request: { method: c.op.method, target: variant, headers: c.authHeaders }, mayDrop: false };
  },
  'odd-method': (c) => {
    const method = c.rng.pick(['PATCH', 'PROPFIND', 'TRACE', 'MKCOL', 'PURGE', 'LINK', 'UNLINK', 'SEARCH', 'REPORT', 'FOO', 'G3T', 'get', 'CONNECT']);
    return { request: { method, target: target(c, false), headers: c.authHeaders }, mayDrop: true };
  },
  framing: (c) => {
    const base = { method: c.op.method, target: target(c, false) };
    const body = '{"a":1}';
    const headers = c.rng.pick<() => [string, string][]>([
      () => [['Content-Length', '7'], ['Content-Length', '3']],
      () => [['Content-Length', 'abc']],
      () => [['Content-Length', '-1']],
      () => [['Transfer-Encoding', 'chunked'], ['Content-Length', '7']],
      () => [['Transfer-Encoding', 'chunked']],
      () => [['X-Fuzz', 'a'.repeat(c.rng.int(17_000, 40_000))]],
      () => [['X-Fuzz\u0001', 'a']],
      () => [['X Fuzz', 'a']],
    ])();
    const chunked = headers.some(([n]) => n === 'Transfer-Encoding');
    return {
      request: { ...base, headers: [...c.authHeaders, JSON_TYPE, ...headers], body: chunked ? `zz\r\n${body}\r\n0\r\n\r\n` : body },
      mayDrop: true,
    };
  },
};

/** Malformed inputs: sent with a valid token only to operations that have inputs to poison. */
const INPUT: Record<string, Build> = {
  'wrong-types': (c) => ({ request: jsonRequest(c, JSON.stringify(poisonedObject(c))), mayDrop: false }),
  'missing-fields': (c) => ({ request: jsonRequest(c, c.poison ? JSON.stringify({ [c.poison]: junkContainer(c.rng) }) : '{}'), mayDrop: false }),
  'extra-fields': (c) => {
    const extra = JSON.parse(`{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}},"${c.rng.int(0, 1e6)}":1}`);
    extra[junkString(c.rng, 12)] = junkValue(c.rng);
    return { request: jsonRequest(c, JSON.stringify(poisonedObject(c, extra))), mayDrop: false };
  },
  'huge-string': (c) => {
    const field = c.op.fields.find((f) => f.name !== c.poison)?.name ?? 'extra';
    return { request: jsonRequest(c, JSON.stringify(poisonedObject(c, { [field]: hugeString(c.rng, c.rng.int(50_000, 900_000)) }))), mayDrop: false };
  },
  'deep-json': (c) => {
    const depth = c.rng.pick([1000, 5000, 10_000]);
    const nested = nestedJsonText(c.rng, depth);
    const body = c.rng.chance(0.5) ? nested : `{"${c.poison ?? 'a'}":${nested}}`;
    return { request: jsonRequest(c, body), mayDrop: false };
  },
  'invalid-utf8': (c) => {
    const text = JSON.stringify(poisonedObject(c, { extra: 'MARK' }));
    const [before, after] = text.split('MARK') as [string, string];
    return { request: jsonRequest(c, Buffer.concat([Buffer.from(before), invalidUtf8(c.rng), Buffer.from(after)])), mayDrop: false };
  },
  'wrong-content-type': (c) => {
    const type = c.rng.pick(['text/plain', 'application/xml', 'multipart/form-data; boundary=zz', 'application/octet-stream', '', 'application/x-www-form-urlencoded', 'application/merge-patch+json', 'json']);
    const body = c.rng.pick([() => junkString(c.rng, 200), () => JSON.stringify(poisonedObject(c)), () => c.rng.bytes(c.rng.int(1, 500))])();
    return { request: jsonRequest(c, body, type ? [['Content-Type', type]] : []), mayDrop: false };
  },
  'empty-body': (c) => ({
    request: c.rng.chance(0.5) ? jsonRequest(c, '') : { method: c.op.method, target: target(c, false), headers: [...c.authHeaders, JSON_TYPE] },
    mayDrop: false,
  }),
  'truncated-body': (c) => {
    const text = JSON.stringify(poisonedObject(c, { pad: 'x'.repeat(c.rng.int(0, 5000)) }));
    const cut = c.rng.int(0, Math.max(0, text.length - 1));
    // half the time the headers announce the whole body and the client stops sending; else the JSON itself is cut
    if (c.rng.chance(0.5)) return { request: { ...jsonRequest(c, text), truncateBodyTo: cut }, mayDrop: true };
    return { request: jsonRequest(c, text.slice(0, cut)), mayDrop: false };
  },
  'non-object-json': (c) => {
    const value = c.rng.pick([() => nestedJson(c.rng, 3), () => `~${junkString(c.rng)}`, () => 12, () => null, () => true, () => [c.poison]])();
    return { request: jsonRequest(c, JSON.stringify(value)), mayDrop: false };
  },
  'junk-params': (c) => ({
    request: { method: c.op.method, target: target(c, true), headers: [...c.authHeaders, JSON_TYPE], body: JSON.stringify(poisonedObject(c)) },
    mayDrop: false,
  }),
  'junk-query': (c) => {
    const junk = c.rng.pick([
      () => ['%zz=1', '%ff=%ff', '%'],
      () => [`${c.poison ?? 'a'}[]=1`, `${c.poison ?? 'a'}[a][b]=1`],
      () => ['__proto__[x]=1', 'constructor[prototype][x]=1'],
      () => Array.from({ length: c.rng.int(100, 1500) }, (_, i) => `q${i}=`),
      () => [`q=${'%41'.repeat(c.rng.int(100, 2500))}`],
      () => [`token=${junkPathSegment(c.rng)}`],
    ])();
    return { request: { method: c.op.method, target: target(c, false, [...poisonQuery(c), ...junk]), headers: c.authHeaders }, mayDrop: false };
  },
};

function strangerHeaders(rng: SeededRandom, token: string): [string, string | Buffer][] {
  return rng.pick<() => [string, string | Buffer][]>([
    () => [],
    () => [['Authorization', `Bearer ${junkString(rng).replace(/[^\x21-\x7e]/g, 'x')}`]],
    () => [['Authorization', Buffer.concat([Buffer.from('Bearer '), invalidUtf8(rng)])]],
    () => [['Authorization', 'Bearer']],
    () => [['Authorization', `Basic ${Buffer.from('alice:secret').toString('base64')}`]],
    () => [['Authorization', `Bearer ${token}x`]],
    () => [['Authorization', `bearer ${token.slice(0, -1)}`]],
    () => [['Authorization', `Bearer ${'A'.repeat(rng.int(1000, 12_000))}`]],
  ])();
}

/** One malformed request for `op`, with or without the valid `token`. */
export function restCase(rng: SeededRandom, op: Operation, token: string): RestCase {
  const withToken = rng.chance(0.5);
  const hasInput = op.fields.length > 0 || op.pathParams.length > 0;
  const poison = op.fields.length > 0 ? rng.pick(op.fields).name : undefined;
  const authHeaders: [string, string | Buffer][] = withToken ? [['Authorization', `Bearer ${token}`]] : strangerHeaders(rng, token);
  // with no input to poison, whoever the handler would accept gets only requests refused before it
  const inert = !hasInput && (withToken || op.public);
  const builders = inert ? TRANSPORT : { ...TRANSPORT, ...INPUT };
  const kind = rng.pick(Object.keys(builders));
  return { kind, ...builders[kind]!({ rng, op, authHeaders, poison }) };
}
