import { defineConfig } from 'drizzle-kit';

// PostgreSQL schema and migrations (`npm run db:generate:pg`); SQLite has drizzle.config.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './engine/storage/postgres/schema.ts',
  out: './engine/storage/postgres/migrations',
});
