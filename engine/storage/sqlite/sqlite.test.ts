import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';
import { analyticsConformance } from '../analytics-conformance.ts';
import { storageConformance } from '../conformance.ts';
import { openSqlite } from './index.ts';

describe('SQLite storage', () => {
  const open = async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'foresight-sqlite-'));
    const storage = openSqlite(path.join(dir, 'test.db'));
    return {
      storage,
      cleanup: async () => {
        await storage.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
  storageConformance('sqlite', open);
  analyticsConformance('sqlite', open);
});
