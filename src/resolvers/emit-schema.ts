import { writeFile } from 'node:fs/promises';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildApiSchema } from './build-schema.js';

export const SCHEMA_FILE = new URL('../../schema.graphql', import.meta.url);

/** The SDL type-graphql emits, in a stable (sorted) order so the committed file diffs cleanly. */
export async function printApiSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildApiSchema()))}\n`;
}

export async function writeApiSchema(): Promise<void> {
  await writeFile(SCHEMA_FILE, await printApiSchema());
}
