import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';
import { storageConformance } from '../conformance.ts';
import { openSqlite } from './index.ts';

describe('SQLite storage', () => {
  storageConformance('sqlite', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'foresight-sqlite-'));
    const storage = openSqlite(path.join(dir, 'test.db'));
    return {
      storage,
      cleanup: async () => {
        await storage.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});
