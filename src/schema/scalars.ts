import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { parseIso, utcIso } from '../core/time/iso-format.js';

// Inputs written without an offset: monitoring ranges read them as local time instead (§2.3).
const naiveInputs = new WeakSet<Date>();
const OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;

function parse(value: unknown): Date {
  const date = typeof value === 'string' ? parseIso(value, 'utc') : undefined;
  if (!date) throw new GraphQLError(`DateTime cannot represent an invalid date-time: ${JSON.stringify(value)}`);
  const text = (value as string).trim();
  if (!(/[T ]/.test(text) && OFFSET.test(text))) naiveInputs.add(date);
  return date;
}

/** A DateTime argument, reading a value written without an offset as the server's local wall-clock time. */
export function naiveInputAsLocal(date: Date): Date {
  if (!naiveInputs.has(date)) return date;
  return new Date(
    date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(),
    date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds(),
  );
}

/** Whether a DateTime argument was written without an offset. */
export function isNaiveInput(date: Date): boolean {
  return naiveInputs.has(date);
}

/**
 * The contract's DateTime: ISO 8601 text. Resolvers hand over text already in the field's
 * form (naive local or aware UTC, as the reference does per field); a Date is written as aware UTC.
 * Input without an offset is read as UTC (monitoring ranges re-read it as local time: naiveInputAsLocal).
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'Date with time (isoformat)',
  serialize(value) {
    if (typeof value === 'string') return value;
    if (value instanceof Date) return utcIso(value);
    throw new GraphQLError('DateTime cannot represent a non-date value');
  },
  parseValue: parse,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string');
    return parse(ast.value);
  },
});
