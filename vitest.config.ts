import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 must load once (ESM), or schemas fail with "another module or realm"
    alias: { graphql: 'graphql/index.js' },
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
