import type { Database } from 'better-sqlite3';
import { deliveryLogQuery, MESSAGE_QUERIES, positional, RECORD_ENGAGEMENT, toDeliveryLogEntry, toMessageFacts, toVariantRevenue, variantRevenueSql, type AnalyticsDialect } from '../analytics-sql.ts';
import type { AnalyticsStore } from '../types.ts';

type Row = Record<string, unknown>;

export const SQLITE_JSON: AnalyticsDialect = { jsonText: (column, key) => `json_extract(${column}, '$.${key}')` };

export function sqliteAnalytics(db: Database): AnalyticsStore {
  const all = (sql: string, params: unknown[]) => {
    const p = positional(sql, params);
    return db.prepare(p.sql).all(...p.args) as Row[];
  };
  const facts = db.transaction((journeyId: string, attributionMs: number) =>
    toMessageFacts({
      outcomes: all(MESSAGE_QUERIES.outcomes, [journeyId]),
      recipients: all(MESSAGE_QUERIES.recipients, [journeyId]),
      sends: all(MESSAGE_QUERIES.sends, [journeyId]),
      engagement: all(MESSAGE_QUERIES.engagement, [journeyId]),
      attributed: all(MESSAGE_QUERIES.attributed, [journeyId, attributionMs]),
    }),
  );
  return {
    async recordEngagement(e, at) {
      const p = positional(RECORD_ENGAGEMENT, [e.key, e.type, e.journeyId, e.nodeId, e.customerId, at]);
      return db.prepare(p.sql).run(...p.args).changes > 0;
    },
    async messages(journeyId, { attributionMs }) {
      // One read transaction: the parts agree with each other even while deliveries settle.
      return facts.deferred(journeyId, attributionMs);
    },
    async deliveries(filter) {
      const q = deliveryLogQuery(SQLITE_JSON, filter);
      const read = db.transaction(() => ({ total: Number(all(q.total, q.params)[0]!.n), entries: all(q.page, q.pageParams).map(toDeliveryLogEntry) }));
      return read.deferred();
    },
    async variantRevenue(journeyId, stateKey, windowMs) {
      // The key may hold `$` and `:`: quoted as one JSON path member.
      return toVariantRevenue(all(variantRevenueSql('json_extract(state, $2)'), [journeyId, `$."${stateKey.replace(/"/g, '\\"')}"`, windowMs]));
    },
  };
}
