import { type GraphQLResolveInfo, Kind, type ValueNode } from 'graphql';

// graphql-js fills in input defaults (the contract's `directmemberof = []`) before resolvers run,
// so "not sent" and "sent []" look alike afterwards. This reads the request itself: the literal in
// the query, or the raw JSON variables the transport kept (spec §0.1).

function fieldInLiteral(value: ValueNode | undefined, field: string, info: GraphQLResolveInfo): boolean {
  if (value?.kind !== Kind.OBJECT) return false;
  const node = value.fields.find((f) => f.name.value === field)?.value;
  if (!node || node.kind === Kind.NULL) return false;
  if (node.kind === Kind.VARIABLE) return info.variableValues[node.name.value] != null;
  return true;
}

/**
 * Whether the client sent a non-null `field` inside the input-object argument `arg`. Undefined when
 * it cannot be told (the argument is a variable and the transport kept no raw variables).
 */
export function suppliedInputField(
  info: GraphQLResolveInfo,
  rawVariables: Record<string, unknown> | undefined,
  arg: string,
  field: string,
): boolean | undefined {
  const argument = info.fieldNodes[0]?.arguments?.find((a) => a.name.value === arg)?.value;
  if (argument?.kind !== Kind.VARIABLE) return fieldInLiteral(argument, field, info);
  const name = argument.name.value;
  const raw = rawVariables?.[name];
  if (raw !== undefined && raw !== null) return typeof raw === 'object' && (raw as Record<string, unknown>)[field] != null;
  if (rawVariables === undefined) return undefined;
  // not in the request: the operation's own default for the variable applies
  const definition = info.operation.variableDefinitions?.find((d) => d.variable.name.value === name);
  return fieldInLiteral(definition?.defaultValue, field, info);
}
