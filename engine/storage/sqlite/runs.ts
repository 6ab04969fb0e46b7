import type { Database } from 'better-sqlite3';
import { applyProfileChange } from '../../core/profile.ts';
import type { CounterDelta, EntryClaim, RunRecord, RunStore, StepUnit } from '../types.ts';
import { multiRowInsert } from './bulk.ts';
import { toHistory, toRun } from './rows.ts';

const FROZEN = `(SELECT id FROM journeys WHERE status IN ('paused', 'archived'))`;

/** Rows collected across a commit's units and written in bulk at its end. */
interface Bulk {
  runs: unknown[];
  history: unknown[];
  events: number[];
}

/**
 * Runs this unit ends (its compare-and-set is checked first): their open entry no longer holds
 * the lock, so an `always` journey re-enters on the order that ended the previous run.
 */
/** Adds to one node counter (run-moves.ts counts moved runs with it too). */
export const BUMP_COUNTER = `INSERT INTO node_counters (journey_id, version, node_id, key, count) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (journey_id, version, node_id, key) DO UPDATE SET count = count + excluded.count`;

export function closedBy(u: StepUnit): number[] {
  return u.updates.filter((x) => x.run.status !== 'active' && x.run.status !== 'waiting').map((x) => x.run.id);
}

export function sqliteRuns(db: Database): RunStore {
  const reserve = db.prepare(
    `INSERT INTO id_sequences (name, next) VALUES ('runs', 1 + ?) ON CONFLICT (name) DO UPDATE SET next = next + ? RETURNING next`,
  );
  const insertRuns = multiRowInsert(
    db,
    `INSERT INTO runs (id, journey_id, version, customer_id, node_id, visit, status, wake_at, wait_event, wait, entered_at, node_entered_at, updated_at, ended_at, end_reason, state, error) VALUES`,
    17,
  );
  const casProbe = db.prepare('SELECT node_id, visit FROM runs WHERE id = ?').raw();
  // The compare-and-set is part of the UPDATE: it writes only if the run is still where it was read.
  const updateRun = db.prepare(
    `UPDATE runs SET node_id = ?, visit = ?, status = ?, wake_at = ?, wait_event = ?, wait = ?,
       node_entered_at = ?, updated_at = ?, ended_at = ?, end_reason = ?, state = ?, error = ?,
       lease_owner = NULL, lease_expires = NULL
     WHERE id = ? AND node_id = ? AND visit = ?`,
  );
  // History is the bulk of what a step writes: insert it many rows per statement.
  const insertHistory = multiRowInsert(db, 'INSERT INTO run_history (run_id, visit, node_id, at, kind, port, detail) VALUES', 7);
  const insertOutbox = db.prepare(
    `INSERT INTO outbox (key, run_id, journey_id, node_id, customer_id, kind, payload, status, attempts, next_attempt_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
  );
  const bumpCounter = db.prepare(BUMP_COUNTER);
  // The entry rule as one conditional upsert: a new lock row, or an update only where the rule allows.
  // The same statement works on PostgreSQL (INSERT … ON CONFLICT … DO UPDATE … WHERE), where the
  // conflicting row is locked, so concurrent claims serialise there too.
  const claimEntry = db.prepare(
    `INSERT INTO entry_locks (journey_id, customer_id, entered_at, run_id) VALUES (@journeyId, @customerId, @at, @runId)
     ON CONFLICT (journey_id, customer_id) DO UPDATE SET entered_at = excluded.entered_at, run_id = excluded.run_id
     WHERE @minGapMs IS NOT NULL AND entry_locks.entered_at + @minGapMs <= excluded.entered_at
       AND NOT EXISTS (SELECT 1 FROM runs WHERE runs.id = entry_locks.run_id AND runs.status IN ('active', 'waiting')
         AND runs.id NOT IN (SELECT value FROM json_each(@closing)))`,
  );
  const REFUSED = new Error('entry refused');
  // Nested in the commit transaction, this is a savepoint: a refused second claim undoes the first.
  const claimAll = db.transaction((claims: EntryClaim[], closing: string) => {
    for (const c of claims) if (claimEntry.run({ ...c, closing }).changes !== 1) throw REFUSED;
  });
  const claimEntries = (claims: EntryClaim[], closing: string): boolean => {
    // One claim (the usual unit) has nothing to undo when refused: no savepoint for it.
    if (claims.length === 1) return claimEntry.run({ ...claims[0]!, closing }).changes === 1;
    try {
      claimAll(claims, closing);
      return true;
    } catch (err) {
      if (err === REFUSED) return false;
      throw err;
    }
  };
  const markEvents = db.prepare('UPDATE events SET processed = 1 WHERE id IN (SELECT value FROM json_each(?))');
  const getAttrs = db.prepare('SELECT attributes FROM customers WHERE id = ?').pluck();
  const setAttrs = db.prepare('UPDATE customers SET attributes = ?, updated_at = ? WHERE id = ?');
  // Batched reads: one statement per batch, ids passed as a JSON array.
  const openForCustomers = db.prepare(
    `SELECT * FROM runs WHERE status IN ('active', 'waiting') AND customer_id IN (SELECT value FROM json_each(?)) ORDER BY customer_id, id`,
  );
  const lastEntries = db
    .prepare('SELECT customer_id, MAX(entered_at) FROM runs WHERE journey_id = ? AND customer_id IN (SELECT value FROM json_each(?)) GROUP BY customer_id')
    .raw();
  const claimDue = db.prepare(
    `UPDATE runs SET lease_owner = @owner, lease_expires = @expires WHERE id IN (
       SELECT id FROM runs
       WHERE status IN ('active', 'waiting') AND wake_at IS NOT NULL AND wake_at <= @now
         AND (lease_expires IS NULL OR lease_expires <= @now) AND journey_id NOT IN ${FROZEN}
       ORDER BY wake_at LIMIT @limit
     ) RETURNING *`,
  );

  // Same WHERE as the runs_due partial index, so this is one index seek.
  const nextWake = db
    .prepare(`SELECT wake_at FROM runs WHERE status IN ('active', 'waiting') AND wake_at IS NOT NULL AND wake_at > ? ORDER BY wake_at LIMIT 1`)
    .pluck();
  const withdrawOutbox = db.prepare(`UPDATE outbox SET status = 'skipped', last_error = ?, updated_at = ? WHERE key = ? AND status IN ('pending', 'claimed')`);

  const json = (v: unknown) => (v ? JSON.stringify(v) : null);
  /** Writes a run if it is still at the (node, visit) it was read at; false if it moved. */
  const writeRun = ({ run: r, expect }: StepUnit['updates'][number]): boolean =>
    updateRun.run(r.nodeId, r.visit, r.status, r.wakeAt, r.waitEvent, json(r.wait), r.nodeEnteredAt, r.updatedAt, r.endedAt, r.endReason, JSON.stringify(r.state), r.error, r.id, expect.nodeId, expect.visit)
      .changes === 1;
  /** Applies one unit; rows that can be written in bulk are collected into `bulk` instead. */
  const applyUnit = (u: StepUnit, now: number, counters: Map<string, CounterDelta>, bulk: Bulk): boolean => {
    // Compare-and-set before any other write of the unit. The transaction holds the write lock,
    // so nothing can move these runs between a check and the writes. The common unit updates one
    // run, and its conditional UPDATE is the check; with several, all are probed first, so a
    // conflict on a later one never leaves an earlier one written.
    // Entry claims are checked (and taken) before any write too; with claims, the first update
    // is probed as well, so neither a refused claim nor a moved run leaves the other written.
    const [first, ...more] = u.updates;
    const claims = u.entries ?? [];
    for (const { run, expect } of claims.length ? u.updates : more) {
      const row = casProbe.get(run.id) as [string, number] | undefined;
      if (!row || row[0] !== expect.nodeId || row[1] !== expect.visit) return false;
    }
    if (claims.length && !claimEntries(claims, JSON.stringify(closedBy(u)))) return false;
    if (first && !writeRun(first)) return false;
    for (const m of more) writeRun(m);
    for (const r of u.inserts) {
      bulk.runs.push(r.id, r.journeyId, r.version, r.customerId, r.nodeId, r.visit, r.status, r.wakeAt, r.waitEvent, json(r.wait));
      bulk.runs.push(r.enteredAt, r.nodeEnteredAt, r.updatedAt, r.endedAt, r.endReason, JSON.stringify(r.state), r.error);
    }
    for (const h of u.history) bulk.history.push(h.runId, h.visit, h.nodeId, h.at, h.kind, h.port ?? null, h.detail ? JSON.stringify(h.detail) : null);
    for (const o of u.outbox) insertOutbox.run(o.key, o.runId, o.journeyId, o.nodeId, o.customerId, o.kind, JSON.stringify(o.payload), now, now, now);
    for (const w of u.withdrawn ?? []) withdrawOutbox.run(w.reason, now, w.key);
    for (const p of u.profiles) {
      const attrs = getAttrs.get(p.customerId) as string | undefined;
      if (attrs !== undefined) setAttrs.run(JSON.stringify(applyProfileChange(JSON.parse(attrs), p)), now, p.customerId);
    }
    for (const id of u.eventIds) bulk.events.push(id);
    for (const c of u.counters) {
      const k = `${c.journeyId}\0${c.version}\0${c.nodeId}\0${c.key}`;
      const cur = counters.get(k);
      if (cur) cur.by += c.by;
      else counters.set(k, { ...c });
    }
    return true;
  };

  const commit = db.transaction((units: StepUnit[], now: number) => {
    const failed: number[] = [];
    const counters = new Map<string, CounterDelta>();
    const bulk: Bulk = { runs: [], history: [], events: [] };
    units.forEach((u, i) => {
      if (!applyUnit(u, now, counters, bulk)) failed.push(i);
    });
    insertRuns(bulk.runs);
    insertHistory(bulk.history);
    if (bulk.events.length) markEvents.run(JSON.stringify(bulk.events));
    for (const c of counters.values()) bumpCounter.run(c.journeyId, c.version, c.nodeId, c.key, c.by);
    return { failed };
  });

  return {
    async reserveIds(n) {
      const next = reserve.pluck().get(n, n) as number;
      return next - n;
    },
    async openForCustomers(customerIds) {
      if (customerIds.length === 0) return [];
      return (openForCustomers.all(JSON.stringify(customerIds)) as Record<string, unknown>[]).map(toRun);
    },
    async lastEntries(journeyId, customerIds) {
      if (customerIds.length === 0) return new Map();
      return new Map(lastEntries.all(journeyId, JSON.stringify(customerIds)) as [number, number][]);
    },
    async claimDue({ now, owner, leaseMs, limit }) {
      const rows = claimDue.all({ owner, expires: now + leaseMs, now, limit }) as Record<string, unknown>[];
      return rows.map(toRun).sort((a, b) => (a.wakeAt ?? 0) - (b.wakeAt ?? 0) || a.id - b.id);
    },
    async commit(units, now) {
      // IMMEDIATE takes the write lock up front: with a second process on the file, a deferred
      // transaction that read first could not upgrade to a writer (SQLITE_BUSY_SNAPSHOT).
      return commit.immediate(units, now);
    },
    async get(id) {
      const r = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Record<string, unknown> | undefined;
      return r ? toRun(r) : null;
    },
    async forCustomer(customerId) {
      return (db.prepare('SELECT * FROM runs WHERE customer_id = ? ORDER BY entered_at DESC, id DESC').all(customerId) as Record<string, unknown>[]).map(toRun);
    },
    async history(runId) {
      return (db.prepare('SELECT * FROM run_history WHERE run_id = ? ORDER BY id').all(runId) as Record<string, unknown>[]).map(toHistory);
    },
    async nextWakeAt() {
      return (db
        .prepare(`SELECT MIN(MAX(wake_at, COALESCE(lease_expires, wake_at))) FROM runs WHERE status IN ('active', 'waiting') AND wake_at IS NOT NULL AND journey_id NOT IN ${FROZEN}`)
        .pluck()
        .get() ?? null) as number | null;
    },
    async nextWakeAfter(now) {
      return (nextWake.get(now) ?? null) as number | null;
    },
    async wakeWaitingAt(journeyNodes, now) {
      const stmt = db.prepare(`UPDATE runs SET wake_at = ? WHERE journey_id = ? AND node_id = ? AND status = 'waiting'`);
      return db.transaction(() => journeyNodes.reduce((n, jn) => n + stmt.run(now, jn.journeyId, jn.nodeId).changes, 0))();
    },
    async counters(journeyId) {
      return db.prepare('SELECT version, node_id AS nodeId, key, count FROM node_counters WHERE journey_id = ?').all(journeyId) as {
        version: number;
        nodeId: string;
        key: string;
        count: number;
      }[];
    },
    async waitingByNode(journeyId) {
      return db
        .prepare(`SELECT node_id AS nodeId, COUNT(*) AS count FROM runs WHERE journey_id = ? AND status IN ('active', 'waiting') GROUP BY node_id`)
        .all(journeyId) as { nodeId: string; count: number }[];
    },
    async countByStatus(journeyId) {
      const rows = (
        journeyId
          ? db.prepare('SELECT status, COUNT(*) AS n FROM runs WHERE journey_id = ? GROUP BY status').all(journeyId)
          : db.prepare('SELECT status, COUNT(*) AS n FROM runs GROUP BY status').all()
      ) as { status: string; n: number }[];
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    },
  };
}
