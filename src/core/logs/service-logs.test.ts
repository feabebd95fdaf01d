import { describe, expect, it } from 'vitest';
import { InMemoryLogSource } from '../../../test/fakes/in-memory-logs.js';
import { servicesDeps } from '../../../test/fakes/services-deps.js';
import { CoreError } from '../errors.js';
import { SERVICE_MESSAGES } from '../services/service-messages.js';
import { silentLogger } from '../../../test/fakes/fake-deps.js';
import { LogFollowers } from './log-followers.js';
import { openServiceLogStream, readServiceLog, serviceLogFilter } from './service-logs.js';

function deps() {
  const logs = new InMemoryLogSource();
  for (let i = 1; i <= 12; i += 1) logs.append(`line ${i}`, ['dovecot.service', 'postfix.service', 'nginx.service'][i % 3]!);
  return { ...servicesDeps(), logs };
}

describe('readServiceLog', () => {
  it("returns the newest lines of any of the service's units, oldest first", async () => {
    const entries = await readServiceLog(deps(), 'simple-nixos-mailserver', 4);

    expect(entries.map((e) => `${e.systemdUnit} ${e.message}`)).toEqual([
      'postfix.service line 7',
      'dovecot.service line 9',
      'postfix.service line 10',
      'dovecot.service line 12',
    ]);
  });

  it('answers an unknown service with SERVICE_NOT_FOUND', async () => {
    await expect(readServiceLog(deps(), 'no-such-service', 4)).rejects.toEqual(new CoreError('SERVICE_NOT_FOUND', SERVICE_MESSAGES.notFound));
  });
});

describe('serviceLogFilter', () => {
  it("matches the service's units", async () => {
    expect(await serviceLogFilter(deps(), 'nextcloud')).toEqual({ units: ['phpfpm-nextcloud.service'] });
  });
});

describe('openServiceLogStream', () => {
  function streamDeps() {
    const base = deps();
    return { ...base, logFeed: new LogFollowers({ logs: base.logs, logger: silentLogger }) };
  }

  it("starts with the service's newest lines, then follows without a gap", async () => {
    const d = streamDeps();
    const stream = await openServiceLogStream(d, 'simple-nixos-mailserver', { lines: 2 });
    d.logs.append('written at once', 'postfix.service');

    const messages = [(await stream.next()).value, (await stream.next()).value, (await stream.next()).value].map((e) => e!.entry.message);

    expect(messages).toEqual(['line 10', 'line 12', 'written at once']);
    await stream.return!();
    expect(d.logFeed.followerCount).toBe(0);
  });

  it('resumes after a cursor, and refuses an unknown one before streaming', async () => {
    const d = streamDeps();

    const stream = await openServiceLogStream(d, 'simple-nixos-mailserver', { lines: 10, after: 'c9' });

    expect((await stream.next()).value!.entry.message).toBe('line 10');
    await stream.return!();
    await expect(openServiceLogStream(d, 'simple-nixos-mailserver', { lines: 10, after: 'nope' })).rejects.toThrow();
    expect(d.logFeed.followerCount).toBe(0);
  });
});
