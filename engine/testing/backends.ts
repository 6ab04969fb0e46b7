import { describe, inject } from 'vitest';
import type { Storage } from '../storage/types.ts';
import { createHarness, type Harness } from './harness.ts';
import { openTestPostgres, pgSkipReason } from './postgres.ts';

type HarnessOptions = Omit<NonNullable<Parameters<typeof createHarness>[0]>, 'storage' | 'cleanup' | 'file'>;

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A harness on a fresh database of this backend. */
  harness(opts?: HarnessOptions): Promise<Harness<Storage>>;
}

const sqlite: Backend = { name: 'sqlite', harness: async (opts = {}) => createHarness<Storage>(opts) };
const postgres: Backend = {
  name: 'postgres',
  async harness(opts = {}) {
    const { storage, cleanup } = await openTestPostgres(inject('pgUrl')!);
    return createHarness<Storage>({ ...opts, storage, cleanup });
  },
};

/**
 * Runs a suite once per storage backend: the storage-facing tests must hold on SQLite and
 * PostgreSQL alike. The PostgreSQL run is skipped, with the reason printed, only when no
 * server can be had (see postgres.ts).
 */
export function eachBackend(title: string, suite: (b: Backend) => void): void {
  const skip = pgSkipReason(inject('pgUrl'));
  if (skip) console.warn(`${title} on postgres skipped: ${skip}`);
  describe(`${title} on sqlite`, () => suite(sqlite));
  describe.skipIf(skip !== null)(`${title} on postgres`, () => suite(postgres));
}
