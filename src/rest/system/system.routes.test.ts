import { describe, expect, it } from 'vitest';
import { FakeHost } from '../../../test/fakes/fake-host.js';
import type { Deps } from '../../core/ports.js';
import type { LegacyRequest } from '../legacy-route.js';
import { systemRestRoutes } from './index.js';

// The simulated host's git pull always succeeds; the failure answer is checked here on a scripted host.

function route(method: string, path: string) {
  const found = systemRestRoutes.find((r) => r.method === method && r.path === path);
  if (!found) throw new Error(`no route ${method} ${path}`);
  return found;
}

const request = (host: FakeHost) => ({ fields: {}, params: {}, clientKey: 'test', deps: { host } as unknown as Deps }) as LegacyRequest<any>;

describe('GET /system/configuration/pull', () => {
  it('answers 500 with git\u2019s exit code and output when the pull fails', async () => {
    const host = new FakeHost();
    host.pullOutcome = { exitCode: 128, output: "fatal: unable to access 'https://git.selfprivacy.org/': Could not resolve host\n" };

    const reply = await route('get', '/system/configuration/pull').handle(request(host));

    expect(reply).toEqual({
      status: 500,
      body: { status: 128, message: 'Something went wrong', data: "fatal: unable to access 'https://git.selfprivacy.org/': Could not resolve host\n" },
    });
    expect(host.calls).toEqual(['pullConfiguration']);
  });

  it('answers 200 with status 0 when git succeeds', async () => {
    const host = new FakeHost();
    host.pullOutcome = { exitCode: 0, output: 'Updating 1a2b..3c4d\nFast-forward\n' };

    const reply = await route('get', '/system/configuration/pull').handle(request(host));

    expect(reply).toEqual({ status: 200, body: { status: 0, message: 'Update completed successfully', data: 'Updating 1a2b..3c4d\nFast-forward\n' } });
  });
});

describe('GET /system/version', () => {
  it('lets a failing uname become the generic 500 (the handler does not swallow it)', async () => {
    const host = new FakeHost();
    host.failing.add('kernelVersion');

    await expect(route('get', '/system/version').handle(request(host))).rejects.toThrow('kernelVersion failed');
  });
});
