import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestServer, gql } from '../support/test-server.js';

// Shared by the system and storage end-to-end suites: the server's files and its jobs.

export const JOB_FIELDS = 'uid typeId name description status statusText progress error result finishedAt';

export function readUserData(server: TestServer): Record<string, any> {
  return JSON.parse(readFileSync(join(server.dataDir, 'userdata.json'), 'utf8'));
}

export function readSecrets(server: TestServer): Record<string, any> {
  return JSON.parse(readFileSync(join(server.dataDir, 'secrets.json'), 'utf8'));
}

/** Edits the userdata file directly, as another program on the host would. */
export function editUserData(server: TestServer, change: (data: Record<string, any>) => void): void {
  const data = readUserData(server);
  change(data);
  writeFileSync(join(server.dataDir, 'userdata.json'), `${JSON.stringify(data, null, 4)}\n`);
}

/** Polls `jobs.getJob` until the job is FINISHED or ERROR (the simulated host runs at SP_TIME_SCALE 0.01). */
export async function waitForJob(server: TestServer, uid: string, timeoutMs = 15_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await gql(server, `query ($id: String!) { jobs { getJob(jobId: $id) { ${JOB_FIELDS} } } }`, { id: uid }, server.token);
    const job = res.body.data?.jobs?.getJob;
    if (job && (job.status === 'FINISHED' || job.status === 'ERROR')) return job;
    if (Date.now() > deadline) throw new Error(`job ${uid} did not finish: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
