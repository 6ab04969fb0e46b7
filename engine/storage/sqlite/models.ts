import type { Database } from 'better-sqlite3';
import type { ModelReportRecord, ModelStore, ScoreRecord } from '../types.ts';

type Row = Record<string, unknown>;

function toReport(r: Row): ModelReportRecord {
  return { id: r.id as number, version: r.version as string, createdAt: r.created_at as number, report: JSON.parse(r.report as string) };
}

function toScore(r: Row): ScoreRecord {
  return {
    customerId: r.customer_id as number,
    model: r.model as string,
    value: r.value as number | null,
    data: JSON.parse(r.data as string) as Record<string, unknown>,
    modelVersion: r.model_version as string,
    scoredAt: r.scored_at as number,
  };
}

export function sqliteModels(db: Database): ModelStore {
  const insertReport = db.prepare('INSERT INTO model_reports (version, created_at, report) VALUES (?, ?, ?) RETURNING *');
  const latest = db.prepare('SELECT * FROM model_reports ORDER BY id DESC LIMIT 1');
  const customerIds = db.prepare('SELECT id FROM customers WHERE id > ? ORDER BY id LIMIT ?').pluck();
  const events = db.prepare(
    'SELECT id, customer_id AS customerId, type, occurred_at AS occurredAt FROM events WHERE id > ? AND type IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT ?',
  );
  // The send log is keyed by text; its rowid is the order sends were recorded in.
  const sends = db.prepare('SELECT rowid AS seq, customer_id AS customerId, sent_at AS sentAt FROM email_sends WHERE rowid > ? ORDER BY rowid LIMIT ?');
  const scoresOf = db.prepare('SELECT * FROM scores WHERE model = ? AND customer_id > ? ORDER BY customer_id LIMIT ?');
  return {
    async saveReport({ version, report }, now) {
      return toReport(insertReport.get(version, now, JSON.stringify(report)) as Row);
    },
    async latestReport() {
      const r = latest.get() as Row | undefined;
      return r ? toReport(r) : null;
    },
    async customerIds({ afterId, limit }) {
      return customerIds.all(afterId, limit) as number[];
    },
    async eventsOfTypes(types, { afterId, limit }) {
      return events.all(afterId, JSON.stringify(types), limit) as { id: number; customerId: number; type: string; occurredAt: number }[];
    },
    async sends({ afterSeq, limit }) {
      return sends.all(afterSeq, limit) as { seq: number; customerId: number; sentAt: number }[];
    },
    async scoresOf(model, { afterCustomerId, limit }) {
      return (scoresOf.all(model, afterCustomerId, limit) as Row[]).map(toScore);
    },
  };
}
