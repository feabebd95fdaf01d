import { CoreError, type ErrorCode } from '../../core/errors.js';
import { USER_MESSAGES } from '../../core/users/user-messages.js';
import type { KanidmAdminToken } from './kanidm-admin-token.js';
import { KanidmShapeError } from './kanidm-attributes.js';
import { KANIDM_ERRORS, kanidmErrorMessage } from './kanidm-messages.js';

const DEFAULT_TIMEOUT_MS = 15_000;

export type KanidmMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface KanidmClientOptions {
  /** Kanidm's base URL (`https://auth.<domain>` by default), read for each call. */
  baseUrl: () => Promise<string>;
  tokens: KanidmAdminToken;
  timeoutMs?: number;
}

export interface RequestOptions<T> {
  body?: unknown;
  notFound?: ErrorCode;
  read?: (data: unknown) => T;
}

interface Answer {
  status: number;
  data: unknown;
  text: string;
}

/**
 * Kanidm's REST API (`<base>/v1/...`) with the admin token, mapping its answers to the core's errors
 * (spec §13.3). A token Kanidm refuses is replaced once (§13.1); anything unreadable is a clear 500.
 */
export class KanidmClient {
  constructor(private readonly options: KanidmClientOptions) {}

  baseUrl(): Promise<string> {
    return this.options.baseUrl();
  }

  /**
   * A 200 answer read by `read` (a KanidmShapeError from it becomes the 500 of an ill-typed answer);
   * `notFound` is the error code of a `nomatchingentries` answer.
   */
  async request<T = unknown>(method: KanidmMethod, path: string, options: RequestOptions<T> = {}): Promise<T> {
    const { body, notFound = 'USER_NOT_FOUND', read = (data: unknown) => data as T } = options;
    const endpoint = `${(await this.options.baseUrl()).replace(/\/+$/, '')}/v1/${path}`;
    const token = await this.options.tokens.current();
    let answer = await this.send(endpoint, method, body, token);
    if (isRejectedToken(answer)) {
      const fresh = await this.options.tokens.renew(token, async (candidate) => (await this.send(probeUrl(endpoint), 'GET', undefined, candidate)).status === 200);
      answer = await this.send(endpoint, method, body, fresh);
      if (isRejectedToken(answer)) throw failure(endpoint, method, KANIDM_ERRORS.noValidToken);
    }
    if (answer.status !== 200) throw mapError(answer, endpoint, method, notFound);
    try {
      return read(answer.data);
    } catch (err) {
      if (err instanceof KanidmShapeError) throw failure(endpoint, method, err.message);
      throw err;
    }
  }

  private async send(endpoint: string, method: KanidmMethod, body: unknown, token: string): Promise<Answer> {
    let status: number;
    let text: string;
    try {
      const response = await fetch(endpoint, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
      status = response.status;
      text = await response.text();
    } catch (err) {
      throw failure(endpoint, method, `${KANIDM_ERRORS.notResponding} ${describeCause(err)}`);
    }
    try {
      return { status, data: JSON.parse(text) as unknown, text };
    } catch {
      throw failure(endpoint, method, `${KANIDM_ERRORS.noJson} HTTP ${status}: ${text.slice(0, 200)}`);
    }
  }
}

function probeUrl(endpoint: string): string {
  return `${endpoint.slice(0, endpoint.indexOf('/v1/'))}/v1/person/root`;
}

function isRejectedToken(answer: Answer): boolean {
  return answer.status !== 200 && answer.data === 'notauthenticated';
}

function mapError(answer: Answer, endpoint: string, method: string, notFound: ErrorCode): CoreError {
  if (hasConflict(answer.data)) return new CoreError('USER_ALREADY_EXISTS', USER_MESSAGES.userAlreadyExists);
  if (answer.data === 'nomatchingentries') return new CoreError(notFound, USER_MESSAGES.userOrGroupNotFound);
  if (answer.data === 'accessdenied') return failure(endpoint, method, KANIDM_ERRORS.accessDenied);
  return failure(endpoint, method, answer.text.slice(0, 500));
}

/** Kanidm reports a taken name as a uniqueness conflict, nested in its error object. */
function hasConflict(data: unknown): boolean {
  if (data === null || typeof data !== 'object') return false;
  if ('conflicting_attributes' in data) return true;
  if ((data as Record<string, unknown>).attrunique === 'duplicate value detected') return true;
  return Object.values(data).some(hasConflict);
}

function describeCause(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'No answer in time.';
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

/** The 500 error of a Kanidm call that failed. */
export function failure(endpoint: string, method: string, error: string): CoreError {
  return new CoreError('IDENTITY_SERVICE_FAILED', kanidmErrorMessage({ endpoint, method, error }));
}
