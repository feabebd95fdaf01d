import { writeApiSchema } from '../src/resolvers/emit-schema.js';

await writeApiSchema();
console.log('schema.graphql written');
