import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type TestServer, gql } from '../support/test-server.js';

// Shared by the services end-to-end tests.

export const SERVICE_FIELDS = `id displayName description svgIcon isMovable isRequired isEnabled isInstalled isSystemService
  canBeBackedUp backupDescription status url homepage sourcePage supportLevel backupSnapshots { id }
  license { deprecated free fullName redistributable shortName spdxId url }
  dnsRecords { recordType name content ttl priority displayName }
  storageUsage { usedSpace title volume { name root } service { id } }
  configuration { __typename fieldId description widget type
    ... on StringConfigItem { stringValue: value stringDefault: defaultValue regex }
    ... on BoolConfigItem { boolValue: value boolDefault: defaultValue }
    ... on EnumConfigItem { enumValue: value enumDefault: defaultValue options } }`;

export function userdata(server: TestServer): any {
  return JSON.parse(readFileSync(join(server.dataDir, 'userdata.json'), 'utf8'));
}

/** Runs a query that must succeed and returns its data. */
export async function query(server: TestServer, text: string, variables?: Record<string, unknown>): Promise<any> {
  const res = await gql(server, text, variables, server.token);
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
  return res.body.data;
}

export async function allServices(server: TestServer, fields = SERVICE_FIELDS): Promise<any[]> {
  return (await query(server, `{ services { allServices { ${fields} } } }`)).services.allServices;
}

export async function serviceById(server: TestServer, id: string, fields = SERVICE_FIELDS): Promise<any> {
  return (await allServices(server, fields)).find((s) => s.id === id);
}

/** Polls until `check` returns a value other than undefined (the simulated host works in the background). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function statusOf(server: TestServer, id: string): Promise<string> {
  return (await serviceById(server, id, 'id status')).status;
}

/** Waits until the service reports `status`. */
export function statusBecomes(server: TestServer, id: string, status: string): Promise<true> {
  return eventually(async () => ((await statusOf(server, id)) === status ? true : undefined));
}

/** Waits for a job to end and returns it. */
export function jobEnds(server: TestServer, uid: string): Promise<any> {
  return eventually(async () => {
    const data = await query(server, `query($id: String!) { jobs { getJob(jobId: $id) { uid typeId name description status statusText progress result error } } }`, { id: uid });
    const job = data.jobs.getJob;
    return job && (job.status === 'FINISHED' || job.status === 'ERROR') ? job : undefined;
  }, 30_000);
}

/** Runs `system.runSystemRebuild` and waits for it to finish. */
export async function rebuild(server: TestServer): Promise<void> {
  const data = await query(server, 'mutation { system { runSystemRebuild { success job { uid } } } }');
  expect(data.system.runSystemRebuild.success).toBe(true);
  expect((await jobEnds(server, data.system.runSystemRebuild.job.uid)).status).toBe('FINISHED');
}
