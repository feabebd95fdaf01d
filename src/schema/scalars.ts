import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { parseIso, utcIso } from '../core/time/iso-format.js';

function parse(value: unknown): Date {
  const date = typeof value === 'string' ? parseIso(value, 'utc') : undefined;
  if (!date) throw new GraphQLError(`DateTime cannot represent an invalid date-time: ${JSON.stringify(value)}`);
  return date;
}

/**
 * The contract's DateTime: ISO 8601 text. Resolvers hand over text already in the field's
 * form (naive local or aware UTC, as the reference does per field); a Date is written as aware UTC.
 * Input without an offset is read as UTC.
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
