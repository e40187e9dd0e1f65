/**
 * A large real-world-sized tool: nested schema and a paragraph of description, the shape
 * `bench/drift.bench.ts` uses, so a 500-tool figure here reads against the 50-tool one there.
 */
export function benchTool(i: number, suffix = ''): Record<string, unknown> {
  return {
    name: `tool_${i}`,
    description: `Tool number ${i}. Reads and summarizes records from the project database, with paging and filters.${suffix}`,
    inputSchema: {
      type: 'object',
      properties: {
        query: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[a-z ]+$', description: 'What to look for' },
        limit: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
        options: { type: 'object', properties: { mode: { type: 'string', enum: ['fast', 'exact'] } }, additionalProperties: false },
      },
      required: ['query'],
    },
    annotations: { readOnlyHint: true },
  };
}

export function benchTools(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => benchTool(i));
}
