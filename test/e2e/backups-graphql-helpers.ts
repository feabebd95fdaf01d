import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { sampleHostState } from '../../src/infra/host/simulated-host-state.js';
import type { TestServer } from '../support/test-server.js';
import { eventually, jobEnds, query } from './services-helpers.js';

// Shared by the backup end-to-end tests over GraphQL.

export const CONFIGURATION = 'provider encryptionKey isInitialized autobackupPeriod autobackupQuotas { last daily weekly monthly yearly } locationName locationId';
export const SNAPSHOT = 'id createdAt reason service { id displayName isEnabled status }';
export const JOB_RETURN = 'success code message job { uid typeId name description status }';
/** SnapshotInfo.createdAt: aware, in UTC. */
export const AWARE_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$/;

/** Reads `backup { <fields> }`. */
export async function backupQuery(server: TestServer, fields: string): Promise<any> {
  return (await query(server, `{ backup { ${fields} } }`)).backup;
}

export async function configuration(server: TestServer): Promise<any> {
  return (await backupQuery(server, `configuration { ${CONFIGURATION} }`)).configuration;
}

export async function allSnapshots(server: TestServer): Promise<any[]> {
  return (await backupQuery(server, `allSnapshots { ${SNAPSHOT} }`)).allSnapshots;
}

/** Runs `mutation { backup { <call> } }` (variables declared in `signature`) and returns the call's answer. */
export async function backupMutation(server: TestServer, call: string, variables?: Record<string, unknown>, signature = ''): Promise<any> {
  const data = await query(server, `mutation${signature} { backup { result: ${call} } }`, variables);
  return data.backup.result;
}

/** Starts a job through `call`, checks it was queued with `message`, and waits for it to end. */
export async function runJob(server: TestServer, call: string, message: string, variables?: Record<string, unknown>, signature = ''): Promise<{ started: any; ended: any }> {
  const started = await backupMutation(server, `${call} { ${JOB_RETURN} }`, variables, signature);
  expect(started).toMatchObject({ success: true, code: 200, message });
  return { started, ended: await jobEnds(server, started.job.uid) };
}

/** The newest job of this type, once it has ended. */
export function jobOfTypeEnds(server: TestServer, typeId: string): Promise<any> {
  return eventually(async () => {
    const jobs = (await query(server, '{ jobs { getJobs { typeId status statusText error result createdAt } } }')).jobs.getJobs;
    const job = jobs.filter((j: any) => j.typeId === typeId).at(-1);
    return job && (job.status === 'FINISHED' || job.status === 'ERROR') ? job : undefined;
  });
}

/** The real path of a simulated host file: under the data folder, at its bind mount's source when it is bind-mounted. */
export function hostPath(server: TestServer, file: string): string {
  const stateFile = join(server.dataDir, 'simulated-host.json');
  // the state file is written at the host's first change; until then the machine is the sample one
  const mounts = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')).mounts as Record<string, string>) : sampleHostState().mounts;
  const target = Object.keys(mounts).find((t) => file === t || file.startsWith(`${t}/`));
  return join(server.dataDir, 'host-files', target ? mounts[target] + file.slice(target.length) : file);
}

export function writeHostFile(server: TestServer, file: string, data: string | Buffer): void {
  const path = hostPath(server, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}
