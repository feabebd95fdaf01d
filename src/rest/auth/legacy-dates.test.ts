import { describe, expect, it } from 'vitest';
import { parseLegacyExpiration } from './legacy-dates.js';

describe('parseLegacyExpiration', () => {
  it('accepts the four legacy expiration forms as local time (Z ignored)', () => {
    const local = new Date(2030, 0, 1, 0, 0, 0, 123);
    for (const text of ['2030-01-01 00:00:00.123', '2030-01-01 00:00:00.123Z', '2030-01-01T00:00:00.123', '2030-01-01T00:00:00.123Z']) {
      expect(parseLegacyExpiration(text)).toEqual(local);
    }
    expect(parseLegacyExpiration('01/01/2030')).toBeUndefined();
  });
});
