import { deliveryLogQuery, MESSAGE_QUERIES, RECORD_ENGAGEMENT, toDeliveryLogEntry, toMessageFacts, toVariantRevenue, variantRevenueSql, type AnalyticsDialect } from '../analytics-sql.ts';
import type { AnalyticsStore } from '../types.ts';
import type { Db } from './db.ts';

export const PG_JSON: AnalyticsDialect = { jsonText: (column, key) => `(${column}->>'${key}')` };

// The same queries as on SQLite (engine/storage/analytics-sql.ts).
export function pgAnalytics(db: Db): AnalyticsStore {
  return {
    async recordEngagement(e, at) {
      return (await db.query<{ n: number }>(`WITH i AS (${RECORD_ENGAGEMENT} RETURNING 1) SELECT COUNT(*) AS n FROM i`, [e.key, e.type, e.journeyId, e.nodeId, e.customerId, at]))[0]!.n > 0;
    },
    async messages(journeyId, { attributionMs }) {
      return db.tx(async (q) =>
        toMessageFacts({
          outcomes: await q(MESSAGE_QUERIES.outcomes, [journeyId]),
          recipients: await q(MESSAGE_QUERIES.recipients, [journeyId]),
          sends: await q(MESSAGE_QUERIES.sends, [journeyId]),
          engagement: await q(MESSAGE_QUERIES.engagement, [journeyId]),
          attributed: await q(MESSAGE_QUERIES.attributed, [journeyId, attributionMs]),
        }),
      );
    },
    async deliveries(filter) {
      const sql = deliveryLogQuery(PG_JSON, filter);
      return db.tx(async (q) => ({ total: Number((await q(sql.total, sql.params))[0]!.n), entries: (await q(sql.page, sql.pageParams)).map(toDeliveryLogEntry) }));
    },
    async variantRevenue(journeyId, stateKey, windowMs) {
      return toVariantRevenue(await db.query(variantRevenueSql('(state->>$2::text)'), [journeyId, stateKey, windowMs]));
    },
  };
}
