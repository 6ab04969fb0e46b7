import type { Database } from 'better-sqlite3';
import type { LiftExposure, LiftStore } from '../types.ts';

/*
 * Plain SQL both dialects share; the PostgreSQL store passes its own placeholders ($n) and
 * JSON reader. Each customer counts once, from their first exposure: re-entries would
 * otherwise weigh the group that leaves at once (held out) more than the one that waits.
 */

/** Placeholders by position: 1 journey id, 2 node id (messages only), 3 window ms, 4 as-of time. */
type Param = (n: 1 | 2 | 3 | 4) => string;

/** Revenue of the customer's orders after `f.start`, within the window and up to the as-of time. */
const revenue = (p: Param) =>
  `COALESCE((SELECT SUM(o.amount) FROM orders o WHERE o.customer_id = f.customer_id AND o.ordered_at > f.start
     AND o.ordered_at <= f.start + ${p(3)} AND o.ordered_at <= ${p(4)}), 0) AS revenue`;

/** Each customer's first run of the journey; held out when that run ended for `holdout`. */
export const journeyExposureSql = (p: Param) => `
  WITH f AS (SELECT customer_id, MIN(entered_at) AS start FROM runs WHERE journey_id = ${p(1)} AND entered_at <= ${p(4)} GROUP BY customer_id)
  SELECT f.customer_id, f.start,
    CASE WHEN EXISTS (SELECT 1 FROM runs r WHERE r.journey_id = ${p(1)} AND r.customer_id = f.customer_id AND r.entered_at = f.start
      AND r.end_reason = 'holdout') THEN 1 ELSE 0 END AS held_out,
    ${revenue(p)}
  FROM f ORDER BY f.customer_id`;

/**
 * Each customer's first message from the node, live or archived by retention (an entry is in one
 * or the other); held out when that message was marked `holdout` by the node. The archive keeps no
 * payload, so there the mark is what delivery recorded for it: skipped, reason `holdout`.
 */
export const messageExposureSql = (p: Param, heldOut: (column: string) => string) => `
  WITH m AS (
    SELECT customer_id, created_at, CASE WHEN ${heldOut('payload')} THEN 1 ELSE 0 END AS held FROM outbox
      WHERE journey_id = ${p(1)} AND node_id = ${p(2)} AND created_at <= ${p(4)}
    UNION ALL
    SELECT customer_id, created_at, CASE WHEN status = 'skipped' AND last_error = 'holdout' THEN 1 ELSE 0 END AS held FROM message_archive
      WHERE journey_id = ${p(1)} AND node_id = ${p(2)} AND created_at <= ${p(4)}),
  f AS (SELECT customer_id, MIN(created_at) AS start FROM m GROUP BY customer_id)
  SELECT f.customer_id, f.start,
    CASE WHEN EXISTS (SELECT 1 FROM m WHERE m.customer_id = f.customer_id AND m.created_at = f.start AND m.held = 1) THEN 1 ELSE 0 END AS held_out,
    ${revenue(p)}
  FROM f ORDER BY f.customer_id`;

export const toExposure = (r: Record<string, unknown>): LiftExposure => ({
  customerId: Number(r.customer_id),
  start: Number(r.start),
  heldOut: Number(r.held_out) === 1,
  revenue: Number(r.revenue),
});

/** No window: every order up to the as-of time counts (start + this never caps it). */
export const OPEN_WINDOW = 2 ** 52;

/** How a dialect reads the holdout flag of an outbox payload, and writes a JSON literal into it. */
export interface PayloadDialect {
  heldOut: (column: string) => string;
  json: (literal: string) => string;
}

export const SQLITE_PAYLOAD: PayloadDialect = { heldOut: (c) => `json_extract(${c}, '$.holdout') = 1`, json: (literal) => `'${literal}'` };

export function sqliteLift(db: Database): LiftStore {
  const named: Param = (n) => `@p${n}`;
  const journey = db.prepare(journeyExposureSql(named));
  const message = db.prepare(messageExposureSql(named, SQLITE_PAYLOAD.heldOut));
  return {
    async journeyExposures(journeyId, windowMs, asOf) {
      return (journey.all({ p1: journeyId, p3: windowMs ?? OPEN_WINDOW, p4: asOf }) as Record<string, unknown>[]).map(toExposure);
    },
    async messageExposures(journeyId, nodeId, windowMs, asOf) {
      return (message.all({ p1: journeyId, p2: nodeId, p3: windowMs ?? OPEN_WINDOW, p4: asOf }) as Record<string, unknown>[]).map(toExposure);
    },
  };
}
