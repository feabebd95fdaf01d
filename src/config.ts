import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export type HostKind = 'nixos' | 'simulated';

/** Everything the process reads from its environment (the README's configuration table). */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  hostKind: HostKind;
  logLevel: string;
  /** Multiplies waits of demo and simulated work (tests use a small value). */
  timeScale: number;
  /** Express `trust proxy`: which proxies may set X-Forwarded-For (nginx in front, on loopback). */
  trustProxy: string;
  authMaxFailures: number;
  authFailureWindowSeconds: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 5050, 0),
    dataDir: resolve(env.DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    hostKind: hostKind(env.SP_HOST),
    logLevel: env.LOG_LEVEL || 'info',
    timeScale: positiveNumber(env, 'SP_TIME_SCALE', 1),
    trustProxy: env.SP_TRUST_PROXY || 'loopback',
    authMaxFailures: integer(env, 'SP_AUTH_MAX_FAILURES', 10, 1),
    authFailureWindowSeconds: integer(env, 'SP_AUTH_FAILURE_WINDOW', 900, 1),
  };
}

function hostKind(value: string | undefined): HostKind {
  if (!value) return existsSync('/etc/NIXOS') ? 'nixos' : 'simulated';
  if (value === 'nixos' || value === 'simulated') return value;
  throw new ConfigError(`SP_HOST must be "nixos" or "simulated", not "${value}"`);
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new ConfigError(`${name} must be an integer >= ${min}, not "${raw}"`);
  return value;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0)) throw new ConfigError(`${name} must be a positive number, not "${raw}"`);
  return value;
}
