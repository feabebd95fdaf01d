import {
  type ASTVisitor,
  type DocumentNode,
  type ExecutionArgs,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type ParseOptions,
  parse,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  validate,
  visit,
} from 'graphql';

// What one GraphQL operation may cost, checked after parsing and before anything executes.
export const GRAPHQL_LIMITS = {
  // The contract's deepest selection without a cycle is 7 levels; graphql's standard introspection query is 15.
  maxDepth: 15,
  // Fields counted once per place they are used (fragments expanded); the introspection query has ~215.
  maxFields: 500,
  // The app uses a handful; each alias of a field runs its resolver once more.
  maxAliases: 50,
  // Lexer tokens; the introspection query has 163, the app's operations fewer.
  maxTokens: 5_000,
} as const;

/** What a caller is told when a document, still within the token limit, nests too deeply for graphql's parser. */
export const TOO_DEEP_TO_PARSE = 'The operation is nested too deeply to be parsed.';

/** graphql's parse options for both transports: parsing stops at the token limit. */
export const limitedParseOptions: ParseOptions = { maxTokens: GRAPHQL_LIMITS.maxTokens };

interface Cost {
  depth: number;
  fields: number;
  aliases: number;
  /** Selections walked (spreads and inline fragments too): bounds the walk of nested fragments. */
  walked: number;
}

const overBudget = (cost: Cost) => cost.fields > GRAPHQL_LIMITS.maxFields || cost.walked > 4 * GRAPHQL_LIMITS.maxFields;

// Walks the selections with fragments expanded where they are used; stops once over budget.
function measure(set: SelectionSetNode, level: number, cost: Cost, fragment: (name: string) => FragmentDefinitionNode | undefined, onPath: Set<string>): void {
  if (level > GRAPHQL_LIMITS.maxDepth) {
    cost.depth = level;
    return;
  }
  for (const selection of set.selections) {
    if (overBudget(cost)) return;
    cost.walked += 1;
    if (selection.kind === Kind.FIELD) {
      cost.fields += 1;
      if (selection.alias) cost.aliases += 1;
      cost.depth = Math.max(cost.depth, level);
      if (selection.selectionSet) measure(selection.selectionSet, level + 1, cost, fragment, onPath);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      measure(selection.selectionSet, level, cost, fragment, onPath);
    } else {
      const name = selection.name.value;
      const definition = fragment(name);
      // a cycle is reported by graphql's own NoFragmentCycles rule; here it only must not loop
      if (!definition || onPath.has(name)) continue;
      onPath.add(name);
      measure(definition.selectionSet, level, cost, fragment, onPath);
      onPath.delete(name);
    }
  }
}

function limitErrors(operation: OperationDefinitionNode, cost: Cost): string[] {
  const { maxDepth, maxFields, maxAliases } = GRAPHQL_LIMITS;
  const errors: string[] = [];
  if (cost.depth > maxDepth) errors.push(`The operation is nested too deeply: at most ${maxDepth} levels of selections are allowed.`);
  if (overBudget(cost)) errors.push(`The operation selects too many fields: at most ${maxFields} are allowed, fragments counted where they are used.`);
  if (cost.aliases > maxAliases) errors.push(`The operation uses too many aliases: ${cost.aliases}, at most ${maxAliases} are allowed.`);
  return errors;
}

/** Validation rule: each operation within the depth, field and alias limits. */
export const costLimitRule: ValidationRule = (context: ValidationContext): ASTVisitor => ({
  OperationDefinition(operation) {
    const cost: Cost = { depth: 0, fields: 0, aliases: 0, walked: 0 };
    measure(operation.selectionSet, 1, cost, (name) => context.getFragment(name) ?? undefined, new Set());
    for (const message of limitErrors(operation, cost)) context.reportError(new GraphQLError(message, { nodes: [operation] }));
    return false; // the walk above has seen everything this rule needs
  },
});

/** Whether a document asks for the schema (`__schema` or `__type`) anywhere. */
export function asksForIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
}

interface OperationPayload {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/**
 * For graphql-ws's onSubscribe: parses within the token limit and validates with `rules` and the
 * cost limits. A syntax error, or nesting too deep to parse, becomes an error for this operation
 * (not a closed socket).
 */
export function checkOperation(schema: GraphQLSchema, payload: OperationPayload, rules: readonly ValidationRule[]): GraphQLError[] | ExecutionArgs {
  let document: DocumentNode;
  try {
    document = parse(payload.query, limitedParseOptions);
  } catch (err) {
    if (err instanceof GraphQLError) return [err];
    // graphql's parser recurses per nesting level: a deep enough document, still within the token limit, exhausts the stack
    if (err instanceof RangeError) return [new GraphQLError(TOO_DEEP_TO_PARSE)];
    throw err;
  }
  const errors = validate(schema, document, [...rules, costLimitRule]);
  if (errors.length > 0) return [...errors];
  return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
}
