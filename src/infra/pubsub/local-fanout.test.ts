import { describe, expect, it } from 'vitest';
import { LocalFanout } from './local-fanout.js';

const change = (n: number) => ({ uid: `job-${n}`, job: null });

describe('LocalFanout', () => {
  it('delivers every payload in order to a subscriber that keeps up', async () => {
    const fanout = new LocalFanout(3);
    const subscription = fanout.subscribe('jobs');

    for (let n = 0; n < 3; n++) fanout.deliver('jobs', change(n));

    for (let n = 0; n < 3; n++) expect((await subscription.next()).value).toEqual(change(n));
  });

  it('keeps at most its capacity for a subscriber that does not read, dropping the oldest', async () => {
    const fanout = new LocalFanout(5);
    const subscription = fanout.subscribe('jobs');

    for (let n = 0; n < 10_000; n++) fanout.deliver('jobs', change(n));

    expect(subscription.queued).toBe(5);
    const read = [];
    for (let n = 0; n < 5; n++) read.push((await subscription.next()).value);
    expect(read).toEqual([9995, 9996, 9997, 9998, 9999].map(change));
  });
});
