import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Caller } from '../core/auth/auth-types.js';
import type { ErrorCode } from '../core/errors.js';
import type { Deps } from '../core/ports.js';
import type { FieldSpec, FieldValues } from './legacy-fields.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

export interface LegacyReply {
  status: number;
  body: unknown;
}

export interface LegacyRequest<S extends FieldSpec> {
  fields: FieldValues<S>;
  params: Record<string, string>;
  /** Set on every route that is not public. */
  caller?: Caller;
  clientKey: string;
  deps: Deps;
}

/** One legacy REST path: its input fields, its documented answers and its handler, declared together. */
export interface LegacyRoute<S extends FieldSpec = FieldSpec> {
  method: HttpMethod;
  /** OpenAPI form: `/users/{username}`. */
  path: string;
  summary: string;
  /** Longer text for the OpenAPI document. */
  description?: string;
  tag: string;
  public?: boolean;
  fields?: S;
  /** Report every missing field at once (legacy `/users`), not just the first. */
  reportAllMissing?: boolean;
  /** A request body that is one bare JSON string is read as this field (some app versions sent that). */
  bareStringField?: keyof S & string;
  /** Documented answers; a body is JSON unless `contentType` says otherwise. */
  responses: Record<number, { description: string; body?: z.ZodType; contentType?: string }>;
  /** How this path words core failures for legacy callers; others get `{"error": message}`. */
  errors?: Partial<Record<ErrorCode, LegacyReply>>;
  handle(request: LegacyRequest<S>): Promise<LegacyReply>;
}

/**
 * A path that writes its answer itself (plain text, an event stream) instead of returning one JSON body.
 * A rejection before anything is written becomes the usual error answer.
 */
export interface StreamRoute<S extends FieldSpec = FieldSpec> extends Omit<LegacyRoute<S>, 'handle' | 'errors'> {
  respond(request: LegacyRequest<S>, http: { req: Request; res: Response }): Promise<void>;
}

/** Any route the registry serves. */
export type RestRoute = LegacyRoute<any> | StreamRoute<any>;

/** Keeps the field types of one streaming route declaration. */
export function streamRoute<S extends FieldSpec>(route: StreamRoute<S>): StreamRoute<S> {
  return route;
}

/** Keeps the field types of one route declaration. */
export function legacyRoute<S extends FieldSpec>(route: LegacyRoute<S>): LegacyRoute<S> {
  return route;
}

/** The 401 answer every protected path documents (authentication is global, see rest-auth.ts). */
export const UNAUTHORIZED = { description: 'Missing or invalid token' };

/** A documented answer whose body is one JSON string. */
export const textResponse = (description: string) => ({ description, body: z.string() });
