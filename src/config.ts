import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isCleanAbsolutePath } from './core/host/host-names.js';

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
  /** The NixOS userdata JSON (the host's desired state). */
  userdataPath: string;
  /** secrets.json (DNS provider credentials). */
  secretsPath: string;
  /** Folder of templated service definitions (one JSON file per service id). */
  modulesDir: string;
  /** The NixOS configuration checkout (`git pull` runs there). */
  nixosConfigDir: string;
  /** Public base URL of this API, for links it hands out (default `https://api.<domain>`). */
  publicUrl?: string;
  /** Prometheus' HTTP API for the monitoring charts; unset: localhost:9001 on NixOS, generated series in the simulation. */
  prometheusUrl?: string;
  /** Kanidm's base URL; unset: `https://auth.<domain>` on NixOS, the embedded user store in the simulation. */
  kanidmUrl?: string;
  /** A file holding a Kanidm admin token, tried before regenerating one. */
  kanidmAdminTokenFile?: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.DATA_DIR || './data');
  const kind = hostKind(env.SP_HOST);
  // The real host keeps its files where NixOS puts them; the simulation keeps everything under DATA_DIR.
  const onHost = (nixosPath: string, simulated: string) => resolve(kind === 'nixos' ? nixosPath : join(dataDir, simulated));
  return {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 5050, 0),
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    hostKind: kind,
    logLevel: env.LOG_LEVEL || 'info',
    timeScale: positiveNumber(env, 'SP_TIME_SCALE', 1),
    trustProxy: env.SP_TRUST_PROXY || 'loopback',
    authMaxFailures: integer(env, 'SP_AUTH_MAX_FAILURES', 10, 1),
    authFailureWindowSeconds: integer(env, 'SP_AUTH_FAILURE_WINDOW', 900, 1),
    userdataPath: env.SP_USERDATA_PATH ? resolve(env.SP_USERDATA_PATH) : onHost('/etc/nixos/userdata.json', 'userdata.json'),
    secretsPath: env.SP_SECRETS_PATH ? resolve(env.SP_SECRETS_PATH) : onHost('/etc/selfprivacy/secrets.json', 'secrets.json'),
    modulesDir: env.SP_MODULES_DIR ? cleanFolder('SP_MODULES_DIR', env.SP_MODULES_DIR) : onHost('/etc/sp-modules', 'sp-modules'),
    nixosConfigDir: env.SP_NIXOS_CONFIG_DIR ? resolve(env.SP_NIXOS_CONFIG_DIR) : '/etc/nixos',
    publicUrl: httpUrl('SP_PUBLIC_URL', env.SP_PUBLIC_URL),
    prometheusUrl: httpUrl('SP_PROMETHEUS_URL', env.SP_PROMETHEUS_URL),
    kanidmUrl: httpUrl('SP_KANIDM_URL', env.SP_KANIDM_URL),
    kanidmAdminTokenFile: env.KANIDM_ADMIN_TOKEN_FILE ? resolve(env.KANIDM_ADMIN_TOKEN_FILE) : undefined,
  };
}

function hostKind(value: string | undefined): HostKind {
  if (!value) return existsSync('/etc/NIXOS') ? 'nixos' : 'simulated';
  if (value === 'nixos' || value === 'simulated') return value;
  throw new ConfigError(`SP_HOST must be "nixos" or "simulated", not "${value}"`);
}

// Service definitions come from this folder: it is taken exactly as written, never resolved into another one.
function cleanFolder(name: string, value: string): string {
  if (!isCleanAbsolutePath(value)) {
    throw new ConfigError(`${name} must be an absolute, normalised folder path (no "." or ".." segments, no "//", no trailing "/"), not "${value}"`);
  }
  return value;
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

function httpUrl(name: string, value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    return url.toString().replace(/\/$/, '');
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, not "${value}"`);
  }
}
