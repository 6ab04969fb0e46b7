import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPostgres, type PostgresStorage } from '../storage/postgres/index.ts';

/**
 * A real PostgreSQL for tests: `FORESIGHT_TEST_PG_URL` when set, else a throwaway cluster
 * (initdb into a temp folder, pg_ctl on a free 127.0.0.1 port, as the `postgres` user when
 * running as root), one per test run (vitest globalSetup), stopped and removed at the end.
 * Each test then gets its own database, copied from a migrated template (fast, isolated).
 */

const BIN_DIRS = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];
export const TEMPLATE_DB = 'foresight_template';

/** The folder holding initdb and pg_ctl, or null when PostgreSQL is not installed. */
export function pgBinDir(): string | null {
  for (const d of BIN_DIRS) if (existsSync(path.join(d, 'pg_ctl'))) return d;
  const which = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? path.dirname(which.stdout.trim()) : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface TestCluster {
  url: string;
  stop(): void;
}

/** Starts a throwaway cluster. Root cannot run postgres, so the cluster then belongs to `postgres`. */
export async function startTestCluster(bin: string): Promise<TestCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'foresight-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const full = path.join(bin, cmd);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', full, ...args], { stdio: 'pipe' });
    else execFileSync(full, args, { stdio: 'pipe' });
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const port = await freePort();
  run('initdb', ['-D', dir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  // Test settings: durability off (a test cluster is thrown away), enough connections for multi-worker tests.
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  run('pg_ctl', ['-D', dir, '-w', '-l', path.join(dir, 'server.log'), 'start', '-o', options]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run('pg_ctl', ['-D', dir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

const withDb = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates the template database with every migration applied (once per test run). */
export async function prepareTemplate(serverUrl: string): Promise<void> {
  await admin(serverUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
    await c.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  });
  const s = await openPostgres(withDb(serverUrl, TEMPLATE_DB));
  await s.close();
}

/** Why Postgres tests are skipped in this run, or null when they run. */
export function pgSkipReason(url: string | null | undefined): string | null {
  return url ? null : 'no PostgreSQL server binary (initdb/pg_ctl) found and FORESIGHT_TEST_PG_URL is not set: install Debian `postgresql`';
}

/** A fresh, migrated database for one test; `drop` removes it. */
export async function createTestDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await admin(serverUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`));
  return {
    url: withDb(serverUrl, name),
    drop: () => admin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A fresh Postgres storage for one test (the conformance suite's `open`). */
export async function openTestPostgres(serverUrl: string): Promise<{ storage: PostgresStorage; url: string; cleanup: () => Promise<void> }> {
  const { url, drop } = await createTestDatabase(serverUrl);
  const storage = await openPostgres(url);
  return {
    storage,
    url,
    cleanup: async () => {
      await storage.close();
      await drop();
    },
  };
}
