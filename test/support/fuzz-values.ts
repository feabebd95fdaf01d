import type { SeededRandom } from './seeded-random.js';

// Values a client should never send: every generator here returns something an API must refuse
// gracefully (or accept harmlessly), never something it may crash on.

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\r\n',
  'a\nb',
  '\u202e\u200b\ufeff',
  '😀'.repeat(8),
  '\ud800',
  '%',
  '%ff',
  '%zz',
  '%00',
  '../../../etc/passwd',
  '..%2f..%2f',
  '${jndi:ldap://x}',
  '{{7*7}}',
  "'; DROP TABLE device_tokens; --",
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'prototype',
  'NaN',
  '-1',
  '1e309',
  'null',
  'true',
  '[]',
  '{}',
];

const ODD_NUMBERS = [0, -1, 1.5, -0, 2 ** 53, -(2 ** 63), 1e308, Number.MIN_VALUE, 4294967296];

/** A short string of random characters, odd ones included. */
export function junkString(rng: SeededRandom, maxLength = 24): string {
  if (rng.chance(0.4)) return rng.pick(ODD_STRINGS);
  const length = rng.int(1, maxLength);
  let out = '';
  for (let i = 0; i < length; i++) {
    const kind = rng.int(0, 9);
    if (kind < 5) out += String.fromCharCode(rng.int(0x20, 0x7e));
    else if (kind < 7) out += String.fromCharCode(rng.int(0, 0x1f));
    else if (kind < 9) out += String.fromCodePoint(rng.int(0xa0, 0x2fff));
    else out += String.fromCodePoint(rng.int(0x1f300, 0x1f64f));
  }
  return out;
}

/** A string of `length` characters (huge ones are one repeated pattern, fast to build). */
export function hugeString(rng: SeededRandom, length: number): string {
  const unit = junkString(rng, 16).replace(/[\ud800-\udfff]/g, '') || 'x';
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** Any JSON value, shallow. */
export function junkScalar(rng: SeededRandom): unknown {
  switch (rng.int(0, 6)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick(ODD_NUMBERS);
    case 3:
      return rng.int(-1000, 1000);
    default:
      return junkString(rng);
  }
}

/** A value that is not a scalar: no string, boolean or integer field accepts it. */
export function junkContainer(rng: SeededRandom): unknown[] | Record<string, unknown> {
  switch (rng.int(0, 4)) {
    case 0:
      return [];
    case 1:
      return {};
    case 2:
      return [junkScalar(rng), junkScalar(rng)];
    case 3:
      return { [junkString(rng, 8)]: junkScalar(rng) };
    default:
      return nestedJson(rng, rng.int(2, 50));
  }
}

/** Any JSON value, containers included. */
export function junkValue(rng: SeededRandom): unknown {
  return rng.chance(0.6) ? junkScalar(rng) : junkContainer(rng);
}

/** An array or object nested `depth` levels deep (built iteratively: JSON.stringify would recurse). */
export function nestedJson(rng: SeededRandom, depth: number): unknown[] | Record<string, unknown> {
  let value: unknown[] | Record<string, unknown> = rng.chance(0.5) ? [] : {};
  for (let i = 1; i < depth; i++) value = rng.chance(0.5) ? [value] : { a: value };
  return value;
}

/** JSON text nested `depth` levels deep, written directly (too deep for JSON.stringify on some stacks). */
export function nestedJsonText(rng: SeededRandom, depth: number): string {
  const arrays = rng.chance(0.5);
  const open = arrays ? '[' : '{"a":';
  const close = arrays ? ']' : '}';
  return `${open.repeat(depth)}${arrays ? '' : '1'}${close.repeat(depth)}`;
}

/** Bytes that are not valid UTF-8 (lone continuation bytes, overlong forms, surrogates, truncated sequences). */
export function invalidUtf8(rng: SeededRandom): Buffer {
  return Buffer.from(
    rng.pick([
      [0xff],
      [0xfe, 0xff],
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0x80, 0x80],
      [0xe2, 0x82],
      [0xf0, 0x9f, 0x98],
    ]),
  );
}

/** JSON text with invalid UTF-8 bytes inside a string value. */
export function jsonWithInvalidUtf8(rng: SeededRandom, key: string): Buffer {
  return Buffer.concat([Buffer.from(`{"${key}":"a`), invalidUtf8(rng), Buffer.from('b"}')]);
}

/** A path segment no router should choke on: malformed percent-encoding, traversal, controls, huge. */
export function junkPathSegment(rng: SeededRandom): string {
  return rng.pick([
    () => '%ff',
    () => '%zz',
    () => '%',
    () => '%e0%a4',
    () => '%c0%af',
    () => '%00',
    () => '%0a',
    () => '%2f..%2f',
    () => '..',
    () => '.',
    () => '%25',
    () => percentEncoded(junkString(rng)),
    () => `a${'%'.repeat(rng.int(1, 5))}`,
    () => 'x'.repeat(rng.int(256, 6000)),
    () => '%ff'.repeat(rng.int(1, 400)),
    () => `~${rng.int(0, 1e6)}`,
  ])();
}

// encodeURIComponent throws on lone surrogates; the UTF-8 encoder replaces them
function percentEncoded(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('');
}
