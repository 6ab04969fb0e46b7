import type { Database, Statement } from 'better-sqlite3';

/** Rows per multi-row statement: large enough to amortise the per-statement cost, within SQLite's parameter limit. */
export const CHUNK = 64;

/**
 * A bulk insert: `insert(flatValues)` writes `flatValues.length / columns`
 * rows, `CHUNK` rows per statement, because each statement execution costs
 * about as much as writing several rows. With a `RETURNING` tail it returns
 * each chunk's returned rows, the chunks in order (rows within one chunk come
 * back in no particular order, as SQLite documents).
 */
export function multiRowInsert(db: Database, head: string, columns: number, tail = ''): (flat: unknown[]) => unknown[][] {
  const tuple = `(${Array(columns).fill('?').join(', ')})`;
  const prepared = new Map<number, Statement>();
  const stmt = (rows: number): Statement => {
    let s = prepared.get(rows);
    if (!s) {
      s = db.prepare(`${head} ${Array(rows).fill(tuple).join(', ')} ${tail}`);
      prepared.set(rows, s);
    }
    return s;
  };
  const exec = (s: Statement, values: unknown[], out: unknown[][]) => (s.reader ? out.push(s.all(values)) : s.run(values));
  const full = CHUNK * columns;
  return (flat) => {
    const out: unknown[][] = [];
    let i = 0;
    for (; i + full <= flat.length; i += full) exec(stmt(CHUNK), flat.slice(i, i + full), out);
    if (i < flat.length) exec(stmt((flat.length - i) / columns), flat.slice(i), out);
    return out;
  };
}
