import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './engine/storage/sqlite/schema.ts',
  out: './engine/storage/sqlite/migrations',
});
