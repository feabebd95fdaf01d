// The REST operations as the served OpenAPI document declares them: what the fuzzer aims at.

export interface OperationField {
  name: string;
  type: string;
  required: boolean;
}

export interface Operation {
  method: string;
  /** The OpenAPI path, with `{param}` placeholders. */
  path: string;
  pathParams: string[];
  /** Body fields, or query fields of a GET. */
  fields: OperationField[];
  public: boolean;
}

interface OpenApiSchema {
  properties?: Record<string, { type?: string }>;
  required?: string[];
}

interface OpenApiOperation {
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema?: { type?: string } }[];
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
}

export function operationsOf(document: { paths: Record<string, Record<string, OpenApiOperation>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = op.parameters ?? [];
      const schema = op.requestBody?.content?.['application/json']?.schema;
      const bodyFields = Object.entries(schema?.properties ?? {}).map(([name, s]) => ({
        name,
        type: s.type ?? 'string',
        required: schema?.required?.includes(name) ?? false,
      }));
      const queryFields = parameters
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name, type: p.schema?.type ?? 'string', required: p.required ?? false }));
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        fields: [...bodyFields, ...queryFields],
        public: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
  return operations;
}
