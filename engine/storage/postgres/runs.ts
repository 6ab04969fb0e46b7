import { applyProfileChange } from '../../core/profile.ts';
import { toHistory, toRun } from '../sqlite/rows.ts';
import { closedBy } from '../sqlite/runs.ts';
import type { CounterDelta, RunRecord, RunStore, StepUnit } from '../types.ts';
import { columns, type Db, type Query } from './db.ts';

const FROZEN = `(SELECT id FROM journeys WHERE status IN ('paused', 'archived'))`;
const OPEN = `status IN ('active', 'waiting')`;

const json = (v: unknown) => (v ? JSON.stringify(v) : null);

const RUN_COLUMNS: ((r: RunRecord) => unknown)[] = [
  (r) => r.id,
  (r) => r.journeyId,
  (r) => r.version,
  (r) => r.customerId,
  (r) => r.nodeId,
  (r) => r.visit,
  (r) => r.status,
  (r) => r.wakeAt,
  (r) => r.waitEvent,
  (r) => json(r.wait),
  (r) => r.enteredAt,
  (r) => r.nodeEnteredAt,
  (r) => r.updatedAt,
  (r) => r.endedAt,
  (r) => r.endReason,
  (r) => JSON.stringify(r.state),
  (r) => r.error,
];
const RUN_TYPES = 'int8[], text[], int8[], int8[], text[], int8[], text[], int8[], text[], jsonb[], int8[], int8[], int8[], int8[], text[], jsonb[], text[]';
const RUN_NAMES = 'id, journey_id, version, customer_id, node_id, visit, status, wake_at, wait_event, wait, entered_at, node_entered_at, updated_at, ended_at, end_reason, state, error';
const unnestOf = (types: string) =>
  types
    .split(', ')
    .map((t, i) => `$${i + 1}::${t}`)
    .join(', ');

/**
 * Decides which units of a commit pass their compare-and-set, against the runs' current
 * (node, visit) read under row locks. Units apply in order, as on SQLite: a unit moving a
 * run changes what a later unit of the same batch must expect.
 */
function passing(units: StepUnit[], current: Map<number, { node: string; visit: number }>): { ok: StepUnit[]; failed: number[] } {
  const ok: StepUnit[] = [];
  const failed: number[] = [];
  units.forEach((u, i) => {
    const fits = u.updates.every(({ run, expect }) => {
      const c = current.get(run.id);
      return c !== undefined && c.node === expect.nodeId && c.visit === expect.visit;
    });
    if (!fits) return failed.push(i);
    for (const { run } of u.updates) current.set(run.id, { node: run.nodeId, visit: run.visit });
    ok.push(u);
  });
  return { ok, failed };
}

// The entry rule as one conditional upsert, the same statement as on SQLite (see sqlite/runs.ts). A
// concurrent first claim of the same journey × customer waits on the row, then sees it committed.
const CLAIM_ENTRY = `INSERT INTO entry_locks (journey_id, customer_id, entered_at, run_id) VALUES ($1, $2, $3, $4)
  ON CONFLICT (journey_id, customer_id) DO UPDATE SET entered_at = excluded.entered_at, run_id = excluded.run_id
  WHERE $5::int8 IS NOT NULL AND entry_locks.entered_at + $5::int8 <= excluded.entered_at
    AND NOT EXISTS (SELECT 1 FROM runs WHERE runs.id = entry_locks.run_id AND runs.status IN ('active', 'waiting') AND NOT (runs.id = ANY($6::int8[])))
  RETURNING 1`;

/** Takes each passing unit's entry claims in a savepoint: a refused one rolls back the unit's others and fails the unit. */
async function claimEntries(q: Query, units: StepUnit[], passed: { ok: StepUnit[]; failed: number[] }): Promise<{ ok: StepUnit[]; failed: number[] }> {
  if (!passed.ok.some((u) => u.entries?.length)) return passed;
  const ok: StepUnit[] = [];
  const failed = [...passed.failed];
  for (const u of passed.ok) {
    const claims = u.entries ?? [];
    if (!claims.length) {
      ok.push(u);
      continue;
    }
    await q('SAVEPOINT entry_claims');
    let granted = true;
    for (const c of claims) {
      if (!(await q(CLAIM_ENTRY, [c.journeyId, c.customerId, c.at, c.runId, c.minGapMs, closedBy(u)])).length) {
        granted = false;
        break;
      }
    }
    await q(granted ? 'RELEASE SAVEPOINT entry_claims' : 'ROLLBACK TO SAVEPOINT entry_claims');
    if (granted) ok.push(u);
    else failed.push(units.indexOf(u));
  }
  return { ok, failed: failed.sort((a, b) => a - b) };
}

/** The units' profile changes applied to the customers' attributes, read and written under row locks. */
async function writeProfiles(q: Query, units: StepUnit[], now: number): Promise<void> {
  const changes = units.flatMap((u) => u.profiles);
  if (!changes.length) return;
  const ids = [...new Set(changes.map((p) => p.customerId))];
  const rows = await q<{ id: number; attributes: Record<string, unknown> }>('SELECT id, attributes FROM customers WHERE id = ANY($1::int8[]) ORDER BY id FOR UPDATE', [ids]);
  const attrs = new Map(rows.map((r) => [r.id, r.attributes]));
  for (const p of changes) {
    const cur = attrs.get(p.customerId);
    if (cur) attrs.set(p.customerId, applyProfileChange(cur, p));
  }
  await q('UPDATE customers c SET attributes = u.a, updated_at = $3 FROM unnest($1::int8[], $2::jsonb[]) AS u(id, a) WHERE c.id = u.id', [
    [...attrs.keys()],
    [...attrs.values()].map((a) => JSON.stringify(a)),
    now,
  ]);
}

/** Sums counter deltas by key, sorted so concurrent workers lock counter rows in one order. */
function sumCounters(units: StepUnit[]): CounterDelta[] {
  const sums = new Map<string, CounterDelta>();
  for (const c of units.flatMap((u) => u.counters)) {
    const k = `${c.journeyId}\0${c.version}\0${c.nodeId}\0${c.key}`;
    const cur = sums.get(k);
    if (cur) cur.by += c.by;
    else sums.set(k, { ...c });
  }
  return [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
}

export function pgRuns(db: Db): RunStore {
  /** One commit: a fixed number of statements whatever the batch size, in one transaction. */
  const commit = (units: StepUnit[], now: number) =>
    db.tx(async (q) => {
      const ids = [...new Set(units.flatMap((u) => u.updates.map((x) => x.run.id)))].sort((a, b) => a - b);
      // Row locks in id order: the compare-and-set reads what no other worker can change until we commit.
      const rows = ids.length
        ? await q<{ id: number; node_id: string; visit: number }>('SELECT id, node_id, visit FROM runs WHERE id = ANY($1::int8[]) ORDER BY id FOR UPDATE', [ids])
        : [];
      const passed = passing(units, new Map(rows.map((r) => [r.id, { node: r.node_id, visit: r.visit }])));
      const { ok, failed } = await claimEntries(q, units, passed);
      // The last write of a run within the batch is the one that stands.
      const updates = [...new Map(ok.flatMap((u) => u.updates.map((x) => [x.run.id, x.run] as const))).values()];
      if (updates.length) {
        await q(
          `UPDATE runs r SET node_id = u.node_id, visit = u.visit, status = u.status, wake_at = u.wake_at, wait_event = u.wait_event, wait = u.wait,
             node_entered_at = u.node_entered_at, updated_at = u.updated_at, ended_at = u.ended_at, end_reason = u.end_reason, state = u.state, error = u.error,
             lease_owner = NULL, lease_expires = NULL
           FROM unnest(${unnestOf(RUN_TYPES)}) AS u(${RUN_NAMES}) WHERE r.id = u.id`,
          columns(updates, RUN_COLUMNS),
        );
      }
      const inserts = ok.flatMap((u) => u.inserts);
      if (inserts.length) await q(`INSERT INTO runs (${RUN_NAMES}) SELECT * FROM unnest(${unnestOf(RUN_TYPES)})`, columns(inserts, RUN_COLUMNS));
      const history = ok.flatMap((u) => u.history);
      if (history.length) {
        await q(
          'INSERT INTO run_history (run_id, visit, node_id, at, kind, port, detail) SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[], $4::int8[], $5::text[], $6::text[], $7::jsonb[])',
          columns(history, [(h) => h.runId, (h) => h.visit, (h) => h.nodeId, (h) => h.at, (h) => h.kind, (h) => h.port ?? null, (h) => json(h.detail)]),
        );
      }
      const outbox = ok.flatMap((u) => u.outbox);
      if (outbox.length) {
        await q(
          `INSERT INTO outbox (key, run_id, journey_id, node_id, customer_id, kind, payload, status, attempts, next_attempt_at, created_at, updated_at)
           SELECT k, r, j, n, c, kd, p, 'pending', 0, $8, $8, $8 FROM unnest($1::text[], $2::int8[], $3::text[], $4::text[], $5::int8[], $6::text[], $7::jsonb[]) AS u(k, r, j, n, c, kd, p)
           ON CONFLICT (key) DO NOTHING`,
          [...columns(outbox, [(o) => o.key, (o) => o.runId, (o) => o.journeyId, (o) => o.nodeId, (o) => o.customerId, (o) => o.kind, (o) => JSON.stringify(o.payload)]), now],
        );
      }
      const withdrawn = ok.flatMap((u) => u.withdrawn ?? []);
      if (withdrawn.length) {
        await q(
          `UPDATE outbox o SET status = 'skipped', last_error = u.reason, updated_at = $3 FROM unnest($1::text[], $2::text[]) AS u(key, reason)
           WHERE o.key = u.key AND o.status IN ('pending', 'claimed')`,
          [...columns(withdrawn, [(w) => w.key, (w) => w.reason]), now],
        );
      }
      await writeProfiles(q, ok, now);
      const events = ok.flatMap((u) => u.eventIds);
      if (events.length) await q('UPDATE events SET processed = 1 WHERE id = ANY($1::int8[])', [events]);
      const counters = sumCounters(ok);
      if (counters.length) {
        await q(
          `INSERT INTO node_counters (journey_id, version, node_id, key, count) SELECT * FROM unnest($1::text[], $2::int8[], $3::text[], $4::text[], $5::int8[])
           ON CONFLICT (journey_id, version, node_id, key) DO UPDATE SET count = node_counters.count + excluded.count`,
          columns(counters, [(c) => c.journeyId, (c) => c.version, (c) => c.nodeId, (c) => c.key, (c) => c.by]),
        );
      }
      return { failed };
    });

  return {
    async reserveIds(n) {
      const [r] = await db.query<{ next: number }>(
        `INSERT INTO id_sequences (name, next) VALUES ('runs', 1 + $1) ON CONFLICT (name) DO UPDATE SET next = id_sequences.next + $1 RETURNING next`,
        [n],
      );
      return r!.next - n;
    },
    async openForCustomers(customerIds) {
      if (customerIds.length === 0) return [];
      return (await db.query(`SELECT * FROM runs WHERE ${OPEN} AND customer_id = ANY($1::int8[]) ORDER BY customer_id, id`, [customerIds])).map(toRun);
    },
    async lastEntries(journeyId, customerIds) {
      if (customerIds.length === 0) return new Map();
      const rows = await db.query<{ customer_id: number; m: number }>(
        'SELECT customer_id, MAX(entered_at) AS m FROM runs WHERE journey_id = $1 AND customer_id = ANY($2::int8[]) GROUP BY customer_id',
        [journeyId, customerIds],
      );
      return new Map(rows.map((r) => [r.customer_id, r.m]));
    },
    async claimDue({ now, owner, leaseMs, limit }) {
      // SKIP LOCKED: concurrent workers each take different due runs instead of queueing on the same rows.
      const rows = await db.query(
        `UPDATE runs SET lease_owner = $1, lease_expires = $2 WHERE id IN (
           SELECT id FROM runs
           WHERE ${OPEN} AND wake_at IS NOT NULL AND wake_at <= $3
             AND (lease_expires IS NULL OR lease_expires <= $3) AND journey_id NOT IN ${FROZEN}
           ORDER BY wake_at LIMIT $4 FOR UPDATE SKIP LOCKED
         ) RETURNING *`,
        [owner, now + leaseMs, now, limit],
      );
      return rows.map(toRun).sort((a, b) => (a.wakeAt ?? 0) - (b.wakeAt ?? 0) || a.id - b.id);
    },
    commit,
    async get(id) {
      const [r] = await db.query('SELECT * FROM runs WHERE id = $1', [id]);
      return r ? toRun(r) : null;
    },
    async forCustomer(customerId) {
      return (await db.query('SELECT * FROM runs WHERE customer_id = $1 ORDER BY entered_at DESC, id DESC', [customerId])).map(toRun);
    },
    async history(runId) {
      return (await db.query('SELECT * FROM run_history WHERE run_id = $1 ORDER BY id', [runId])).map(toHistory);
    },
    async nextWakeAt() {
      const [r] = await db.query<{ m: number | null }>(`SELECT MIN(GREATEST(wake_at, COALESCE(lease_expires, wake_at))) AS m FROM runs WHERE ${OPEN} AND wake_at IS NOT NULL AND journey_id NOT IN ${FROZEN}`);
      return r?.m ?? null;
    },
    async nextWakeAfter(now) {
      // Same WHERE as the runs_due partial index, so this is one index seek.
      const [r] = await db.query<{ w: number }>(`SELECT wake_at AS w FROM runs WHERE ${OPEN} AND wake_at IS NOT NULL AND wake_at > $1 ORDER BY wake_at LIMIT 1`, [now]);
      return r?.w ?? null;
    },
    async wakeWaitingAt(journeyNodes, now) {
      if (!journeyNodes.length) return 0;
      const rows = await db.query(
        `UPDATE runs r SET wake_at = $3 FROM unnest($1::text[], $2::text[]) AS u(j, n) WHERE r.journey_id = u.j AND r.node_id = u.n AND r.status = 'waiting' RETURNING r.id`,
        [journeyNodes.map((x) => x.journeyId), journeyNodes.map((x) => x.nodeId), now],
      );
      return rows.length;
    },
    async counters(journeyId) {
      return db.query<{ version: number; nodeId: string; key: string; count: number }>(
        'SELECT version, node_id AS "nodeId", key, count FROM node_counters WHERE journey_id = $1',
        [journeyId],
      );
    },
    async waitingByNode(journeyId) {
      return db.query<{ nodeId: string; count: number }>(`SELECT node_id AS "nodeId", COUNT(*) AS count FROM runs WHERE journey_id = $1 AND ${OPEN} GROUP BY node_id`, [journeyId]);
    },
    async countByStatus(journeyId) {
      const rows = journeyId
        ? await db.query<{ status: string; n: number }>('SELECT status, COUNT(*) AS n FROM runs WHERE journey_id = $1 GROUP BY status', [journeyId])
        : await db.query<{ status: string; n: number }>('SELECT status, COUNT(*) AS n FROM runs GROUP BY status');
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    },
  };
}
