import type { Database, Statement } from 'better-sqlite3';

/** Rows per multi-row statement: large enough to amortise the per-statement cost, within SQLite's parameter limit. */
const CHUNK = 64;

/**
 * A bulk insert: `insert(flatValues)` writes `flatValues.length / columns`
 * rows, `CHUNK` rows per statement, because each statement execution costs
 * about as much as writing several rows.
 */
export function multiRowInsert(db: Database, head: string, columns: number, tail = ''): (flat: unknown[]) => void {
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
  const full = CHUNK * columns;
  return (flat) => {
    let i = 0;
    for (; i + full <= flat.length; i += full) stmt(CHUNK).run(flat.slice(i, i + full));
    if (i < flat.length) stmt((flat.length - i) / columns).run(flat.slice(i));
  };
}
