import { defineConfig } from 'vitest/config';

export default defineConfig({
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
