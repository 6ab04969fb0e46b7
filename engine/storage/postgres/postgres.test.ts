import { describe, inject } from 'vitest';
import { openTestPostgres, pgSkipReason } from '../../testing/postgres.ts';
import { storageConformance } from '../conformance.ts';

const url = inject('pgUrl');
const skip = pgSkipReason(url);
if (skip) console.warn(`PostgreSQL storage tests skipped: ${skip}`);

describe.skipIf(skip !== null)('PostgreSQL storage', () => {
  storageConformance('postgres', () => openTestPostgres(url!));
});
