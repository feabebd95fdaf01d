import { describe, expect, it } from 'vitest';
import { InMemoryLogSource } from '../../../test/fakes/in-memory-logs.js';
import { silentLogger } from '../../../test/fakes/fake-deps.js';
import type { LogEvent } from './log-event.js';
import { LOG_STREAM_MESSAGES, LogFollowers } from './log-followers.js';

const tick = () => new Promise((r) => setImmediate(r));

async function take(stream: AsyncIterator<LogEvent>, count: number): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  while (events.length < count) {
    const next = await stream.next();
    if (next.done) break;
    events.push(next.value);
  }
  return events;
}

describe('LogFollowers', () => {
  it('gives 1,000 subscribers of one filter one follower, the same event objects, in order', async () => {
    const logs = new InMemoryLogSource();
    const followers = new LogFollowers({ logs, logger: silentLogger });
    const streams = Array.from({ length: 1000 }, () => followers.subscribe({ units: ['nginx.service'] }));
    await tick();

    logs.append('one');
    logs.append('elsewhere', 'postfix.service');
    logs.append('two');
    const received = await Promise.all(streams.map((s) => take(s, 2)));

    expect(logs.follows).toEqual([{ units: ['nginx.service'] }]);
    expect(followers.followerCount).toBe(1);
    expect(received.every((events) => events.map((e) => e.entry.message).join() === 'one,two')).toBe(true);
    expect(new Set(received.map((events) => events[0])).size).toBe(1);
    await Promise.all(streams.map((s) => s.return()));
    expect(followers.followerCount).toBe(0);
    await tick();
    expect(logs.activeFollows).toBe(0);
  });

  it('stops the follower when the last subscriber leaves, even while its read waits', async () => {
    const logs = new InMemoryLogSource();
    const followers = new LogFollowers({ logs, logger: silentLogger });
    const first = followers.subscribe({});
    const second = followers.subscribe({});
    const waiting = second.next();
    await tick();

    await first.return();
    await tick();
    expect(logs.activeFollows).toBe(1);
    await second.return();
    await tick();

    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(logs.activeFollows).toBe(0);
  });

  it('runs one follower per distinct filter', async () => {
    const logs = new InMemoryLogSource();
    const followers = new LogFollowers({ logs, logger: silentLogger });
    const streams = [followers.subscribe({}), followers.subscribe({ units: ['a.service'] }), followers.subscribe({ slice: 'system.slice' }), followers.subscribe({ units: ['a.service'] })];
    await tick();

    expect(followers.followerCount).toBe(3);
    expect(logs.activeFollows).toBe(3);
    await Promise.all(streams.map((s) => s.return()));
  });

  it('ends a subscriber that falls behind with an error, and only that one', async () => {
    const logs = new InMemoryLogSource();
    const followers = new LogFollowers({ logs, logger: silentLogger }, { queueLimit: 5 });
    const slow = followers.subscribe({});
    const reader = followers.subscribe({});
    await tick();

    const read: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      logs.append(`line ${i}`);
      await tick();
      read.push(...(await take(reader, 1)).map((e) => e.entry.message));
    }

    await expect(slow.next()).rejects.toMatchObject({ code: 'LOG_READER_TOO_SLOW', message: LOG_STREAM_MESSAGES.overflow(5) });
    expect(read).toEqual(Array.from({ length: 20 }, (_, i) => `line ${i}`));
    expect(followers.followerCount).toBe(1);
    await reader.return();
    expect(followers.followerCount).toBe(0);
  });

  it('replays what came after a cursor, then follows, repeating nothing appended meanwhile', async () => {
    const logs = new InMemoryLogSource();
    const followers = new LogFollowers({ logs, logger: silentLogger });
    for (let i = 0; i < 450; i += 1) logs.append(i === 7 ? '' : `old ${i}`);
    const stream = followers.subscribe({}, logs.entries[4]!.cursor);
    await tick();
    logs.append('during replay');

    const events = await take(stream, 446);
    logs.append('live');
    const [live] = await take(stream, 1);

    expect(events.map((e) => e.entry.message)).toEqual([...logs.entries.slice(5, 451).map((e) => e.message)]);
    expect(events.at(-1)!.entry.message).toBe('during replay');
    expect(live!.entry.message).toBe('live');
    await stream.return();
  });
});
