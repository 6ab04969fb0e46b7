import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The package's own entry points, as a plugin package resolves them (package.json exports).
  resolve: {
    alias: {
      'foresight/plugin': new URL('./engine/plugin/index.ts', import.meta.url).pathname,
      'foresight/testing': new URL('./engine/testing/index.ts', import.meta.url).pathname,
    },
  },
  test: {
    root: '.',
    include: ['engine/**/*.test.ts', 'nodes/**/*.test.ts', 'templates/**/*.test.ts', 'examples/**/*.test.ts', 'builder/**/*.test.{ts,tsx}', 'bench/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One throwaway PostgreSQL per run for the storage tests of both backends (see engine/testing/postgres.ts).
    globalSetup: ['engine/testing/postgres-setup.ts'],
  },
});
