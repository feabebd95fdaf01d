import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';
import { eventually, jobEnds, query, serviceById, statusBecomes, userdata } from './services-helpers.js';

// End-to-end over HTTP: services.moveService and its root twin (spec §9.8) on the simulated host:
// refusals with the reference's codes and texts, and a full move of Nextcloud to the system disk.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const RETURN = 'success code message job { uid typeId name description status } service { id }';

async function move(serviceId: string, location: string, variant: 'services' | 'root' = 'services') {
  const call = `moveService(input: $input) { ${RETURN} }`;
  const data = await query(server, `mutation($input: MoveServiceInput!) { ${variant === 'services' ? `services { ${call} }` : call} }`, {
    input: { serviceId, location },
  });
  return variant === 'services' ? data.services.moveService : data.moveService;
}

const SUPPORT = 'Please report it to our support chats:\n#chat:selfprivacy.org on Matrix or @selprivacy_chat on Telegram.';

describe('moveService refusals', () => {
  it('answers 404 for an unknown service and for an unknown volume, with neither service nor job', async () => {
    expect(await move('nope', 'sda1')).toEqual({ success: false, code: 404, message: 'Service does not exist: nope', job: null, service: null });
    expect(await move('nextcloud', 'sdz', 'root')).toEqual({
      success: false, code: 404, message: `No such volume: sdz. ${SUPPORT}`, job: null, service: null,
    });
  });

  it('answers 400 with the service for a service that cannot move or is already there', async () => {
    expect(await move('jitsi-meet', 'sdb')).toEqual({
      success: false, code: 400, message: 'MoveError: JitsiMeet is not movable', job: null, service: { id: 'jitsi-meet' },
    });
    expect(await move('gitea', 'sda1', 'root')).toEqual({
      success: false, code: 400, message: 'MoveError: Forgejo is already on volume sda1', job: null, service: { id: 'gitea' },
    });
  });

  it('needs a token', async () => {
    const res = await gql(server, 'mutation { moveService(input: {serviceId: "nextcloud", location: "sda1"}) { success } }');

    expect(res.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('moveService', () => {
  it('moves Nextcloud from the volume to the system disk: job steps, userdata location, usages, running again', async () => {
    const seen = new Set<string>();
    const started = await move('nextcloud', 'sda1');

    expect(started).toMatchObject({
      success: true, code: 200, message: 'Started moving the service.', service: { id: 'nextcloud' },
      job: { typeId: 'services.nextcloud.move', name: 'Move Nextcloud', description: 'Moving Nextcloud data to system disk' },
    });
    expect(['CREATED', 'RUNNING']).toContain(started.job.status);
    await eventually(async () => {
      const data = await query(server, `query($id: String!) { jobs { getJob(jobId: $id) { status statusText } } }`, { id: started.job.uid });
      seen.add(data.jobs.getJob.statusText);
      return data.jobs.getJob.status === 'FINISHED' ? true : undefined;
    }, 30_000);
    const job = await jobEnds(server, started.job.uid);

    expect(job).toMatchObject({ status: 'FINISHED', progress: 100, result: 'Nextcloud moved successfully.', statusText: 'Starting Nextcloud...', error: null });
    expect(seen.size).toBeGreaterThan(1);
    expect(userdata(server).modules.nextcloud.location).toBe('sda1');
    const host = JSON.parse(readFileSync(join(server.dataDir, 'simulated-host.json'), 'utf8'));
    expect(host.folders['/volumes/sda1/nextcloud']).toMatchObject({ owner: 'nextcloud', group: 'nextcloud' });
    expect(host.folders['/volumes/sdb/nextcloud']).toBeUndefined();
    expect(host.mounts['/var/lib/nextcloud']).toBe('/volumes/sda1/nextcloud');
    await statusBecomes(server, 'nextcloud', 'ACTIVE');
    const data = await query(server, '{ storage { volumes { name usages { ... on ServiceStorageUsage { service { id } } } } } }');
    const onVolume = (name: string) => data.storage.volumes.find((v: any) => v.name === name).usages.map((u: any) => u.service.id);
    expect(onVolume('sda1')).toContain('nextcloud');
    expect(onVolume('sdb')).toEqual([]);
    expect((await serviceById(server, 'nextcloud', 'id storageUsage { volume { name } }')).storageUsage.volume.name).toBe('sda1');
  });

  it('moves it back through the root twin', async () => {
    const started = await move('nextcloud', 'sdb', 'root');

    expect(started).toMatchObject({ success: true, code: 200, job: { description: 'Moving Nextcloud data to expandable volume' } });
    expect(await jobEnds(server, started.job.uid)).toMatchObject({ status: 'FINISHED', result: 'Nextcloud moved successfully.' });
    expect(userdata(server).modules.nextcloud.location).toBe('sdb');
  });
});

describe('two moves of one service at once', () => {
  it('starts exactly one; the other answers 409 naming the running job, and the service ends up moved once', async () => {
    const answers = await Promise.all([move('nextcloud', 'sda1'), move('nextcloud', 'sda1', 'root')]);

    const started = answers.filter((a) => a.code === 200);
    const refused = answers.filter((a) => a.code !== 200);
    expect(started).toHaveLength(1);
    expect(refused).toEqual([
      { success: false, code: 409, message: 'Another job (Move Nextcloud) is already working on service:nextcloud', job: null, service: { id: 'nextcloud' } },
    ]);
    expect(await jobEnds(server, started[0].job.uid)).toMatchObject({ status: 'FINISHED', result: 'Nextcloud moved successfully.' });
    expect(userdata(server).modules.nextcloud.location).toBe('sda1');
    await statusBecomes(server, 'nextcloud', 'ACTIVE');
  });
});
