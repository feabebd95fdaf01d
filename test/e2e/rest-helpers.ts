import { expect } from 'vitest';
import { rest } from '../support/test-server.js';

/** Valid BIP-39 phrases (all-zero entropy) that match no key the server generates. */
export const WRONG_PHRASE_12 = `${'abandon '.repeat(11)}about`;
export const WRONG_PHRASE_18 = `${'abandon '.repeat(17)}agent`;

/** A device token: 32 random bytes, URL-safe base64 without padding. */
export const DEVICE_TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** A naive local date as the legacy API wrote it (fraction only when non-zero). */
export const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/;

export const words = (phrase: string) => phrase.split(' ');

type Server = { url: string };

/** A form-encoded request body for `rest()`. */
export function form(fields: Record<string, string>) {
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    rawBody: new URLSearchParams(fields).toString(),
  };
}

/** Pairs a new device through the legacy new-device flow; returns its token. */
export async function pairDevice(server: Server, adminToken: string, device: string): Promise<string> {
  const key = await rest(server, 'POST', '/auth/new_device', { token: adminToken });
  expect(key.status).toBe(200);
  const auth = await rest(server, 'POST', '/auth/new_device/authorize', { json: { token: key.body.token, device } });
  expect(auth.status).toBe(200);
  return auth.body.token as string;
}

/** Names of the devices as GET /auth/tokens lists them. */
export async function deviceNames(server: Server, token: string): Promise<string[]> {
  const res = await rest(server, 'GET', '/auth/tokens', { token });
  expect(res.status).toBe(200);
  return (res.body as { name: string }[]).map((d) => d.name);
}

/** Fails when a response body looks like it carries a stack trace or source paths. */
export function expectNoStackTrace(body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  expect(text).not.toMatch(/\n\s*at\s|\bat [\w.<>]+ \(|\(\/[^)]*:\d+:\d+\)|node_modules|\.ts:\d+/);
}
