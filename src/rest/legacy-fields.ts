import type { Request, RequestHandler } from 'express';
import { z } from 'zod';

// Legacy callers were built against flask-restful's request parser: a field may come from the JSON
// body, the query string or a form body (JSON wins), and scalars are coerced the Python way.

export const MISSING_FIELD_TEXT = 'Missing required parameter in the JSON body or the post body or the query string';

export interface LegacyField<T> {
  /** Validates the coerced value; also documents the field in the OpenAPI document. */
  schema: z.ZodType<T>;
  required: boolean;
  /** The text legacy callers get for this field when it is missing or malformed. */
  help?: string;
  /** A password or key: read from the body only, never from the query string (URLs end up in logs and histories). */
  secret: boolean;
  coerce(raw: unknown): unknown;
}

export type FieldSpec = Record<string, LegacyField<unknown>>;
export type FieldValues<S extends FieldSpec> = {
  [K in keyof S]: S[K] extends LegacyField<infer T> ? T | undefined : never;
};

/** A request the legacy API answers with 400 and `body`. */
export class LegacyInputError extends Error {
  override name = 'LegacyInputError';
  constructor(readonly body: unknown) {
    super('invalid legacy request fields');
  }
}

interface FieldOptions {
  required?: boolean;
  help?: string;
  description?: string;
  secret?: boolean;
}

// Python's str() of a JSON scalar: true -> "True", 12 -> "12".
function pythonText(raw: unknown): unknown {
  if (typeof raw === 'boolean') return raw ? 'True' : 'False';
  if (typeof raw === 'number') return String(raw);
  return raw;
}

// Python truthiness: "" and 0 are false, every other string (even "false") is true.
function pythonTruth(raw: unknown): unknown {
  if (typeof raw === 'string') return raw !== '';
  if (typeof raw === 'number') return raw !== 0;
  return raw;
}

function integerOf(raw: unknown): unknown {
  if (typeof raw === 'number') return Math.trunc(raw);
  if (typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw)) return Number.parseInt(raw, 10);
  return raw;
}

function make<T>(schema: z.ZodType<T>, coerce: (raw: unknown) => unknown, opts: FieldOptions): LegacyField<T> {
  const described = opts.description ? schema.describe(opts.description) : schema;
  return { schema: described, required: opts.required ?? false, help: opts.help, secret: opts.secret ?? false, coerce };
}

export const field = {
  string: (opts: FieldOptions = {}) => make(z.string(), pythonText, opts),
  boolean: (opts: FieldOptions = {}) => make(z.boolean(), pythonTruth, opts),
  integer: (opts: FieldOptions = {}) => make(z.number().int(), integerOf, opts),
};

const unreadableBodies = new WeakMap<Request, unknown>();

/**
 * Wraps the JSON body parser so a malformed body is not an error by itself: legacy endpoints that
 * read no fields ignore the body, and the auth check answers first. `readFields` raises it.
 */
export function deferJsonParseErrors(parser: RequestHandler): RequestHandler {
  return (req, res, next) =>
    parser(req, res, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type !== 'entity.parse.failed') return next(err);
      unreadableBodies.set(req, err);
      next();
    });
}

/** The parse error of a malformed JSON body, if the request had one. */
export function unreadableBody(req: Request): unknown {
  return unreadableBodies.get(req);
}

function isJsonRequest(req: Request): boolean {
  return Boolean(req.is('application/json') || req.is('+json'));
}

// A body that is one bare JSON string (strict JSON parsing refuses it): the value of `field`, if the route allows it.
function bareStringBody(req: Request, field: string | undefined): Record<string, unknown> | undefined {
  const raw = (unreadableBodies.get(req) as { body?: unknown } | undefined)?.body;
  if (field === undefined || typeof raw !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'string' ? { [field]: value } : undefined;
  } catch {
    return undefined;
  }
}

function sources(req: Request, query: Record<string, unknown>, bareStringField?: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const bare = bareStringBody(req, bareStringField);
  if (bare) return [bare, query];
  if (unreadableBodies.has(req)) throw unreadableBodies.get(req);
  if (isJsonRequest(req) && req.body !== undefined) {
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
      throw new LegacyInputError({ message: 'The request body must be a JSON object.' });
    }
    found.push(req.body as Record<string, unknown>);
  }
  found.push(query);
  if (req.is('application/x-www-form-urlencoded') && req.body && typeof req.body === 'object') {
    found.push(req.body as Record<string, unknown>);
  }
  return found;
}

/**
 * Reads the declared fields. A null counts as absent. Missing required fields give
 * `{"message": {"<field>": "<help>"}}`: the first one only, or all with `reportAllMissing`.
 */
export function readFields<S extends FieldSpec>(
  req: Request,
  spec: S,
  reportAllMissing = false,
  bareStringField?: string,
): FieldValues<S> {
  if (Object.keys(spec).length === 0) return {} as FieldValues<S>; // the body is never looked at
  const query = req.query as Record<string, unknown>; // express 5 parses it anew on each read
  const from = sources(req, query, bareStringField);
  const values: Record<string, unknown> = {};
  const missing: Record<string, string> = {};
  for (const [name, def] of Object.entries(spec)) {
    const places = def.secret ? from.filter((source) => source !== query) : from;
    const raw = places.map((source) => source[name]).find((value) => value !== undefined && value !== null);
    // 1.2.x read every field from the query string too; a secret there is refused, not used
    if (raw === undefined && def.secret && query[name] !== undefined) {
      throw new LegacyInputError({ message: { [name]: `Send ${name} in the request body, not in the query string` } });
    }
    if (raw === undefined) {
      if (def.required) missing[name] = def.help ?? MISSING_FIELD_TEXT;
      if (def.required && !reportAllMissing) break;
      continue;
    }
    const parsed = def.schema.safeParse(def.coerce(raw));
    if (!parsed.success) throw new LegacyInputError({ message: { [name]: def.help ?? `Invalid value for ${name}` } });
    values[name] = parsed.data;
  }
  if (Object.keys(missing).length > 0) throw new LegacyInputError({ message: missing });
  return values as FieldValues<S>;
}

/** The fields as one zod object, for the OpenAPI document. */
export function fieldsSchema(spec: FieldSpec): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, def] of Object.entries(spec)) shape[name] = def.required ? def.schema : def.schema.optional();
  return z.object(shape);
}
