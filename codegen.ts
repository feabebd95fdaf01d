import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed operation documents for the tests, generated from the schema this API emits.
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/operations/**/*.graphql'],
  generates: {
    'test/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { scalars: { DateTime: 'string' }, useTypeImports: true },
    },
  },
};

export default config;
