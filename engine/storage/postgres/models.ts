import type { ModelReportRecord, ModelStore, ScoreRecord } from '../types.ts';
import type { Db } from './db.ts';

const REPORT = 'id, version, created_at AS "createdAt", report';
export const SCORE = 'customer_id AS "customerId", model, value, data, model_version AS "modelVersion", scored_at AS "scoredAt"';

export function pgModels(db: Db): ModelStore {
  return {
    async saveReport({ version, report }, now) {
      const [r] = await db.query<ModelReportRecord>(`INSERT INTO model_reports (version, created_at, report) VALUES ($1, $2, $3) RETURNING ${REPORT}`, [version, now, JSON.stringify(report)]);
      return r!;
    },
    async latestReport() {
      return (await db.query<ModelReportRecord>(`SELECT ${REPORT} FROM model_reports ORDER BY id DESC LIMIT 1`))[0] ?? null;
    },
    async customerIds({ afterId, limit }) {
      return (await db.query<{ id: number }>('SELECT id FROM customers WHERE id > $1 ORDER BY id LIMIT $2', [afterId, limit])).map((r) => r.id);
    },
    async eventsOfTypes(types, { afterId, limit }) {
      return db.query<{ id: number; customerId: number; type: string; occurredAt: number }>(
        'SELECT id, customer_id AS "customerId", type, occurred_at AS "occurredAt" FROM events WHERE id > $1 AND type = ANY($2::text[]) ORDER BY id LIMIT $3',
        [afterId, types, limit],
      );
    },
    async sends({ afterSeq, limit }) {
      return db.query<{ seq: number; customerId: number; sentAt: number }>(
        'SELECT seq, customer_id AS "customerId", sent_at AS "sentAt" FROM email_sends WHERE seq > $1 ORDER BY seq LIMIT $2',
        [afterSeq, limit],
      );
    },
    async scoresOf(model, { afterCustomerId, limit }) {
      return db.query<ScoreRecord>(`SELECT ${SCORE} FROM scores WHERE model = $1 AND customer_id > $2 ORDER BY customer_id LIMIT $3`, [model, afterCustomerId, limit]);
    },
  };
}
