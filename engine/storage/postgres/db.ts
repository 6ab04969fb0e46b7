import pg from 'pg';
import { errorMessage } from '../../core/errors.ts';

export interface PgOptions {
  /** Connections per process (default 10). */
  poolSize?: number;
  /** Server-side limit per statement, ms (default 30 s): a stuck query fails instead of holding its locks. */
  statementTimeoutMs?: number;
  /** Where connection-loss retries are reported (default stderr). */
  onRetry?: (message: string) => void;
  /** Give up after this many failed attempts of one call (default 8: ~25 s of backoff). */
  maxAttempts?: number;
}

/** The few calls every store makes: one query, or several in one transaction; both retry on connection loss. */
export interface Db {
  readonly pool: pg.Pool;
  query<T = Record<string, any>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs `fn` in one transaction on one connection; retried whole on connection loss, deadlock or serialization failure. */
  tx<T>(fn: (q: Query) => Promise<T>): Promise<T>;
}

export type Query = <T = Record<string, any>>(text: string, params?: unknown[]) => Promise<T[]>;

// int8 (ids, epoch ms, COUNT) and numeric as JS numbers: every value here fits in 2^53.
const NUMBER_OIDS = new Set([20, 1700]);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    NUMBER_OIDS.has(oid) ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Errors after which the same call may simply be tried again. */
export function retryable(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  // 08: connection exceptions, 57P0x: server shutting down / restarting, 40001/40P01: serialization failure / deadlock.
  if (code.startsWith('08') || /^57P0[1-3]$/.test(code) || code === '40001' || code === '40P01') return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(errorMessage(err));
}

export function createDb(url: string, opts: PgOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    statement_timeout: opts.statementTimeoutMs ?? 30_000,
    connectionTimeoutMillis: 10_000,
    types,
  });
  // An idle connection dropped by the server must not crash the process; the next call reconnects.
  pool.on('error', (err) => (opts.onRetry ?? console.error)(`postgres: idle connection lost: ${errorMessage(err)}`));
  const report = opts.onRetry ?? ((m: string) => console.error(m));
  const maxAttempts = opts.maxAttempts ?? 8;

  const withRetry = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!retryable(err) || attempt >= maxAttempts) throw err;
        const delay = Math.min(5_000, 100 * 2 ** (attempt - 1));
        report(`postgres: ${what} failed (${errorMessage(err)}); retry ${attempt}/${maxAttempts - 1} in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  };

  return {
    pool,
    query: (text, params) => withRetry('query', async () => (await pool.query(text, params as unknown[])).rows),
    tx: (fn) =>
      withRetry('transaction', async () => {
        const client = await pool.connect();
        let broken = false;
        // A connection cut mid-transaction also fails the running query, which is retried below;
        // the client's own error event must not crash the process.
        const onLost = () => {
          broken = true;
        };
        client.on('error', onLost);
        try {
          await client.query('BEGIN');
          const out = await fn(async (text, params) => (await client.query(text, params as unknown[])).rows);
          await client.query('COMMIT');
          return out;
        } catch (err) {
          broken = retryable(err) && !(err as { code?: string }).code?.startsWith('40');
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
          throw err;
        } finally {
          // A connection that failed mid-transaction is discarded, not returned to the pool.
          client.off('error', onLost);
          client.release(broken || undefined);
        }
      }),
  };
}

/** Column arrays for `unnest`: one array per column, so a whole batch is one statement and one round trip. */
export function columns<T>(rows: readonly T[], pick: ((r: T) => unknown)[]): unknown[][] {
  return pick.map((f) => rows.map(f));
}
