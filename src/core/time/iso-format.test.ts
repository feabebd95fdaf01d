import { describe, expect, it } from 'vitest';
import { naiveLocalIso, parseIso, utcIso } from './iso-format.js';

describe('ISO formats', () => {
  it('writes aware UTC with microseconds only when non-zero', () => {
    expect(utcIso(new Date('2026-03-04T05:06:07Z'))).toBe('2026-03-04T05:06:07+00:00');
    expect(utcIso(new Date('2026-03-04T05:06:07.25Z'))).toBe('2026-03-04T05:06:07.250000+00:00');
  });

  it('writes naive local time without an offset', () => {
    const date = new Date(2026, 2, 4, 5, 6, 7, 8);
    expect(naiveLocalIso(date)).toBe('2026-03-04T05:06:07.008000');
  });

  it('reads naive input in the given zone and honours offsets', () => {
    expect(parseIso('2030-01-01T00:00:00', 'utc')).toEqual(new Date('2030-01-01T00:00:00Z'));
    expect(parseIso('2030-01-01T03:00:00+03:00', 'local')).toEqual(new Date('2030-01-01T00:00:00Z'));
    expect(parseIso('2030-01-01', 'utc')).toEqual(new Date('2030-01-01T00:00:00Z'));
    expect(parseIso('2030-13-01T00:00:00', 'utc')).toBeUndefined();
    expect(parseIso('tomorrow', 'utc')).toBeUndefined();
  });
});
