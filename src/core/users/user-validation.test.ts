import { describe, expect, it } from 'vitest';
import { coreFailureOf as failure } from '../../../test/support/core-failure.js';
import { validateDisplayName, validatePassword, validateUsername } from './user-validation.js';

const RESERVED = 'Username is in reserved list or have reserved prefix.';
const NOT_ALPHANUMERIC = 'Username must be alphanumeric and start with a letter.\n';
const TOO_LONG = 'Username is too long. Must be less than 32 characters.';

describe('validateUsername', () => {
  it.each(['alice', 'bob_2', '_svc', 'ab', 'a'.repeat(31)])('accepts %j', (name) => {
    expect(failure(() => validateUsername(name))).toBeUndefined();
  });

  it.each(['systemd', 'systemd-timesync', 'nixbld1', 'nixbldx'])('rejects the reserved prefix of %j with 409 and the prefix', (name) => {
    const prefix = name.startsWith('systemd') ? 'systemd' : 'nixbld';

    expect(failure(() => validateUsername(name))).toEqual({
      code: 'USERNAME_RESERVED',
      status: 409,
      message: `${RESERVED}\nReserved prefix: ${prefix}.`,
    });
  });

  it.each(['root', 'nginx', 'selfprivacy-api', 'knot-resolver', 'virtualMail', 'bitwarden_rs', 'nobody', 'gitea'])(
    'rejects the reserved name %j with 409 before the pattern check',
    (name) => {
      expect(failure(() => validateUsername(name))).toEqual({ code: 'USERNAME_RESERVED', status: 409, message: RESERVED });
    },
  );

  it.each(['a', '', 'Abc', '1abc', 'user1@', 'al ice', 'alice-b', 'ällo'])('rejects %j with the pattern message (trailing newline)', (name) => {
    expect(failure(() => validateUsername(name))).toEqual({ code: 'INVALID_USERNAME', status: 400, message: NOT_ALPHANUMERIC });
  });

  it('rejects 32 characters or more with the length message, after the pattern check', () => {
    expect(failure(() => validateUsername('a'.repeat(32)))).toEqual({ code: 'USERNAME_TOO_LONG', status: 400, message: TOO_LONG });
    expect(failure(() => validateUsername(`${'a'.repeat(40)}-`))).toMatchObject({ code: 'INVALID_USERNAME' });
  });
});

describe('validateDisplayName', () => {
  const TOO_LONG_NAME = 'Display name is too long. Must be less than 256 characters.';

  it('accepts up to 254 characters, null and empty', () => {
    for (const name of ['x'.repeat(254), null, undefined, '', 'Ålice Ünïcode 🐧']) expect(failure(() => validateDisplayName(name))).toBeUndefined();
  });

  it('rejects 255 characters (counted as characters, not UTF-16 units) with the reference wording', () => {
    expect(failure(() => validateDisplayName('x'.repeat(255)))).toEqual({ code: 'DISPLAY_NAME_TOO_LONG', status: 400, message: TOO_LONG_NAME });
    expect(failure(() => validateDisplayName('🐧'.repeat(254)))).toBeUndefined();
    expect(failure(() => validateDisplayName('🐧'.repeat(255)))).toMatchObject({ code: 'DISPLAY_NAME_TOO_LONG' });
  });
});

describe('validatePassword', () => {
  it('rejects an empty password', () => {
    expect(failure(() => validatePassword(''))).toEqual({ code: 'INVALID_PASSWORD', status: 400, message: 'Password cannot be empty.' });
  });

  it.each(['a\rb', 'a\nb', 'a\0b', '\n'])('rejects %j (CR, LF or NUL)', (password) => {
    expect(failure(() => validatePassword(password))).toEqual({
      code: 'INVALID_PASSWORD',
      status: 400,
      message: 'Password cannot contain carriage returns, line feeds, or NUL bytes.',
    });
  });

  it('accepts anything else, spaces and unicode included', () => {
    expect(failure(() => validatePassword(' pass wörd\t!'))).toBeUndefined();
  });

  it('accepts 4096 bytes and refuses 4097, counted in UTF-8', () => {
    const tooLong = { code: 'INVALID_PASSWORD', status: 400, message: 'Password cannot be longer than 4096 bytes.' };

    expect(failure(() => validatePassword('a'.repeat(4096)))).toBeUndefined();
    expect(failure(() => validatePassword('é'.repeat(2048)))).toBeUndefined();
    expect(failure(() => validatePassword('a'.repeat(4097)))).toEqual(tooLong);
    expect(failure(() => validatePassword(`${'é'.repeat(2048)}a`))).toEqual(tooLong);
    expect(failure(() => validatePassword('a'.repeat(120_000)))).toEqual(tooLong);
  });
});
