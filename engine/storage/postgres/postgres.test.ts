import { describe, expect, inject, it } from 'vitest';
import { createTestDatabase, openTestPostgres, pgSkipReason } from '../../testing/postgres.ts';
import { analyticsConformance } from '../analytics-conformance.ts';
import { storageConformance } from '../conformance.ts';
import { openPostgres, resetPostgres } from './index.ts';

const url = inject('pgUrl');
const skip = pgSkipReason(url);
if (skip) console.warn(`PostgreSQL storage tests skipped: ${skip}`);

describe.skipIf(skip !== null)('PostgreSQL storage', () => {
  storageConformance('postgres', () => openTestPostgres(url!));
  analyticsConformance('postgres', () => openTestPostgres(url!));
});

describe.skipIf(skip !== null)('PostgreSQL reset (foresight demo)', () => {
  it('drops the data and leaves an empty, migrated database', async () => {
    const { url: dbUrl, drop } = await createTestDatabase(url!);
    const storage = await openPostgres(dbUrl);
    await storage.customers.upsert([{ externalId: 'c1' }], 1);
    await storage.close();
    const fresh = await resetPostgres(dbUrl);
    try {
      expect(await fresh.customers.count()).toBe(0);
      expect(await fresh.customers.upsert([{ externalId: 'c2' }], 2)).toEqual([1]);
    } finally {
      await fresh.close();
      await drop();
    }
  });
});
