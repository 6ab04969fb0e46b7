/**
 * The message-analytics SQL both storages share (engine/storage/types.ts AnalyticsStore), written
 * once with `$n` parameters. A dialect supplies how it reads a text field of a JSON column.
 */
import type { DeliveryLogEntry, DeliveryLogFilter, EngagementType, MessageFacts, OutboxStatus } from './types.ts';

export interface AnalyticsDialect {
  /** SQL reading the text at `key` of the JSON column `column`. */
  jsonText(column: string, key: string): string;
}

const DAY_MS = 86_400_000;
const COLUMNS = 'key, run_id, journey_id, node_id, customer_id, kind, status, attempts, last_error, detail, created_at, updated_at';

/** Settled deliveries copied to the archive before retention deletes them; `runIdsIn` is the dialect's bound list of run ids. */
export const archiveSettled = (runIdsIn: string, settled: string) =>
  `INSERT INTO message_archive (${COLUMNS}) SELECT ${COLUMNS} FROM outbox WHERE run_id IN ${runIdsIn} AND status IN ${settled} ON CONFLICT (key) DO NOTHING`;

/** A journey's messages, live and archived (an entry is in one or the other, never both). */
const messagesOf = (where: string) =>
  `SELECT ${COLUMNS} FROM outbox WHERE ${where} UNION ALL SELECT ${COLUMNS} FROM message_archive WHERE ${where}`;

const day = (column: string) => `(${column} / ${DAY_MS}) * ${DAY_MS}`;

/** Each `$1` is the journey id; the attribution query takes the window as `$2`. */
export const MESSAGE_QUERIES = {
  outcomes: `SELECT node_id, kind, status, last_error, COUNT(*) AS n FROM (${messagesOf('journey_id = $1')}) m GROUP BY node_id, kind, status, last_error`,
  recipients: `SELECT node_id, COUNT(DISTINCT customer_id) AS n FROM (${messagesOf('journey_id = $1')}) m WHERE status = 'sent' GROUP BY node_id`,
  sends: `SELECT node_id, ${day('updated_at')} AS d, COUNT(*) AS n FROM (${messagesOf('journey_id = $1')}) m WHERE status = 'sent' GROUP BY node_id, ${day('updated_at')}`,
  engagement: `SELECT node_id, type, COUNT(*) AS n FROM message_engagement WHERE journey_id = $1 GROUP BY node_id, type`,
  // Last touch within the journey: the newest send before the order wins (ties by key, so an order counts once).
  attributed: `WITH s AS (SELECT key, node_id, customer_id, updated_at AS at FROM (${messagesOf('journey_id = $1')}) m WHERE status = 'sent'),
    a AS (SELECT o.id, o.amount, o.ordered_at, s.node_id, ROW_NUMBER() OVER (PARTITION BY o.id ORDER BY s.at DESC, s.key DESC) AS rn
          FROM s JOIN orders o ON o.customer_id = s.customer_id AND o.ordered_at >= s.at AND o.ordered_at < s.at + $2)
    SELECT node_id, ${day('ordered_at')} AS d, COUNT(*) AS n, SUM(amount) AS revenue FROM a WHERE rn = 1 GROUP BY node_id, ${day('ordered_at')}`,
};

export const RECORD_ENGAGEMENT = `INSERT INTO message_engagement (key, type, journey_id, node_id, customer_id, at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key, type) DO NOTHING`;

type Row = Record<string, unknown>;
const num = (v: unknown) => Number(v ?? 0);
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** Reads the rows of the four message queries into MessageFacts. */
export function toMessageFacts(rows: { outcomes: Row[]; recipients: Row[]; sends: Row[]; engagement: Row[]; attributed: Row[] }): MessageFacts {
  return {
    outcomes: rows.outcomes.map((r) => ({ nodeId: String(r.node_id), kind: String(r.kind), status: String(r.status) as OutboxStatus, error: str(r.last_error), count: num(r.n) })),
    recipients: rows.recipients.map((r) => ({ nodeId: String(r.node_id), customers: num(r.n) })),
    sends: rows.sends.map((r) => ({ nodeId: String(r.node_id), day: num(r.d), count: num(r.n) })),
    engagement: rows.engagement.map((r) => ({ nodeId: String(r.node_id), type: String(r.type) as EngagementType, count: num(r.n) })),
    attributed: rows.attributed.map((r) => ({ nodeId: String(r.node_id), day: num(r.d), orders: num(r.n), revenue: num(r.revenue) })),
  };
}

/** The delivery log's page and total for a filter: SQL and parameters in `$n` order. */
export function deliveryLogQuery(d: AnalyticsDialect, f: DeliveryLogFilter): { page: string; total: string; params: unknown[]; pageParams: unknown[] } {
  const params: unknown[] = [];
  const bind = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  // Journey and customer narrow each half of the union on its index; the rest filters the joined rows.
  const inner: string[] = [];
  if (f.journeyId !== undefined) inner.push(`journey_id = ${bind(f.journeyId)}`);
  if (f.customerId !== undefined) inner.push(`customer_id = ${bind(f.customerId)}`);
  const outer: string[] = [];
  if (f.status) outer.push(`m.status = ${bind(f.status)}`);
  const to = d.jsonText('m.detail', 'to');
  if (f.search) {
    const term = f.search.trim().toLowerCase();
    const like = bind(`%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    outer.push(`(LOWER(c.email) LIKE ${like} ESCAPE '\\' OR LOWER(${to}) LIKE ${like} ESCAPE '\\' OR c.external_id = ${bind(f.search.trim())})`);
  }
  const from = `FROM (${messagesOf(inner.length ? inner.join(' AND ') : '1 = 1')}) m JOIN customers c ON c.id = m.customer_id ${outer.length ? `WHERE ${outer.join(' AND ')}` : ''}`;
  const total = `SELECT COUNT(*) AS n ${from}`;
  const n = params.length;
  const page = `SELECT m.key, m.journey_id, m.node_id, m.customer_id, c.external_id, COALESCE(${to}, CASE WHEN m.kind = 'email' THEN c.email END) AS address, m.kind, m.status, m.last_error, m.attempts,
      ${d.jsonText('m.detail', 'subject')} AS subject, m.created_at, m.updated_at
    ${from} ORDER BY m.updated_at DESC, m.key DESC LIMIT $${n + 1} OFFSET $${n + 2}`;
  return { page, total, params, pageParams: [...params, f.limit, f.offset] };
}

export function toDeliveryLogEntry(r: Row): DeliveryLogEntry {
  return {
    key: String(r.key),
    journeyId: String(r.journey_id),
    nodeId: String(r.node_id),
    customerId: num(r.customer_id),
    externalId: String(r.external_id),
    address: str(r.address),
    kind: String(r.kind),
    status: String(r.status) as OutboxStatus,
    error: str(r.last_error),
    attempts: num(r.attempts),
    subject: str(r.subject),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

/**
 * Per A/B variant (the port a run's state records for the split), customers and their orders from
 * the run's entry until the window after it. `$1` journey, `$2` the state key as the dialect reads it, `$3` the window.
 */
export const variantRevenueSql = (stateText: string) => `WITH r AS (SELECT id, customer_id, entered_at, ${stateText} AS variant FROM runs WHERE journey_id = $1)
  SELECT r.variant, COUNT(DISTINCT r.customer_id) AS customers, COUNT(o.id) AS n, COALESCE(SUM(o.amount), 0) AS revenue
  FROM r LEFT JOIN orders o ON o.customer_id = r.customer_id AND o.ordered_at >= r.entered_at AND o.ordered_at < r.entered_at + $3
  WHERE r.variant IS NOT NULL GROUP BY r.variant ORDER BY r.variant`;

export const toVariantRevenue = (rows: Row[]) => rows.map((r) => ({ variant: String(r.variant), customers: num(r.customers), orders: num(r.n), revenue: num(r.revenue) }));

/** `$n` parameters as SQLite's positional `?`, with the values in the order they appear. */
export function positional(sql: string, params: unknown[]): { sql: string; args: unknown[] } {
  const args: unknown[] = [];
  return { sql: sql.replace(/\$(\d+)/g, (_, i: string) => (args.push(params[Number(i) - 1]), '?')), args };
}

/**
 * Opens and clicks in [from, to) for the KPI funnel: the events while retention keeps them, and each
 * message's first open and click, which `message_engagement` keeps after the events are pruned
 * (counted by distinct message, so the two overlap harmlessly). `messageOf` reads the event's message key.
 */
export const emailEngagementCte = (from: string, to: string, messageOf: string) => `t AS (
    SELECT customer_id, type, occurred_at, ${messageOf} AS message FROM events
      WHERE type IN ('email_opened', 'email_clicked') AND occurred_at >= ${from} AND occurred_at < ${to}
    UNION ALL
    SELECT customer_id, CASE type WHEN 'opened' THEN 'email_opened' ELSE 'email_clicked' END, at, key FROM message_engagement
      WHERE type IN ('opened', 'clicked') AND at >= ${from} AND at < ${to})`;
