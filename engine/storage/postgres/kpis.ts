import { cohortSql, FACTS, toFacts } from '../sqlite/kpis.ts';
import { emailEngagementCte } from '../analytics-sql.ts';
import type { KpiStore, TimeRange } from '../types.ts';
import type { Db } from './db.ts';

type Row = Record<string, number | string | null>;

/* The same shapes as engine/storage/sqlite/kpis.ts (whose FACTS sums and row reader it shares); JSON fields are read with ->> here. */

/** One row per customer with an order before `to` ($2), split at `from` ($1). */
const PER_CUSTOMER = `
  SELECT customer_id,
    SUM(CASE WHEN ordered_at < $1 THEN 1 ELSE 0 END) AS before_n,
    SUM(CASE WHEN ordered_at >= $1 THEN 1 ELSE 0 END) AS in_n,
    SUM(CASE WHEN ordered_at >= $1 THEN amount ELSE 0 END) AS in_revenue,
    SUM(amount) AS revenue
  FROM orders WHERE ordered_at < $2 GROUP BY customer_id`;

const n = (v: unknown) => Number(v ?? 0);

export function pgKpis(db: Db): KpiStore {
  return {
    async orders(range: TimeRange, splitBy) {
      if (!splitBy) return (await db.query<Row>(`WITH c AS (${PER_CUSTOMER}) SELECT 'all' AS grp, ${FACTS} FROM c`, [range.from, range.to])).map(toFacts);
      const rows = await db.query<Row>(
        `WITH c AS (${PER_CUSTOMER}),
           g AS (SELECT customer_id, data->>$3::text AS label FROM scores WHERE model = $4)
         SELECT COALESCE(g.label, 'unknown') AS grp, ${FACTS} FROM c LEFT JOIN g ON g.customer_id = c.customer_id
         GROUP BY COALESCE(g.label, 'unknown') ORDER BY COALESCE(g.label, 'unknown') COLLATE "C"`,
        [range.from, range.to, splitBy.key, splitBy.model],
      );
      return rows.map(toFacts);
    },
    async nps(range, eventTypes) {
      const [r] = await db.query<Row>(
        `WITH a AS (SELECT (properties->>'score')::float8 AS score FROM events
                    WHERE type = ANY($3::text[]) AND occurred_at >= $1 AND occurred_at < $2 AND jsonb_typeof(properties->'score') = 'number')
         SELECT SUM(CASE WHEN score >= 9 AND score <= 10 THEN 1 ELSE 0 END) AS promoters,
                SUM(CASE WHEN score >= 7 AND score < 9 THEN 1 ELSE 0 END) AS passives,
                SUM(CASE WHEN score >= 0 AND score < 7 THEN 1 ELSE 0 END) AS detractors
         FROM a`,
        [range.from, range.to, eventTypes],
      );
      return { promoters: n(r!.promoters), passives: n(r!.passives), detractors: n(r!.detractors) };
    },
    async email(range) {
      const [r] = await db.query<Row>(
        `WITH ${emailEngagementCte('$1', '$2', "properties->>'message'")},
           k AS (SELECT customer_id, MIN(occurred_at) AS first_click FROM t WHERE type = 'email_clicked' GROUP BY customer_id)
         SELECT (SELECT COUNT(*) FROM email_sends WHERE sent_at >= $1 AND sent_at < $2)
              + (SELECT COALESCE(SUM(sent), 0) FROM email_sends_pruned WHERE minute >= $1 AND minute < $2) AS sent,
                (SELECT COUNT(DISTINCT message) FROM t WHERE type = 'email_opened') AS opened,
                (SELECT COUNT(DISTINCT message) FROM t WHERE type = 'email_clicked') AS clicked,
                (SELECT COUNT(*) FROM k) AS clickers,
                (SELECT COUNT(*) FROM k WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = k.customer_id AND o.ordered_at >= k.first_click AND o.ordered_at < $2)) AS converted`,
        [range.from, range.to],
      );
      return { sent: n(r!.sent), opened: n(r!.opened), clicked: n(r!.clicked), clickers: n(r!.clickers), converted: n(r!.converted) };
    },
    async averageScore(model) {
      const [r] = await db.query<Row>('SELECT COUNT(value) AS n, AVG(value) AS average FROM scores WHERE model = $1 AND value IS NOT NULL', [model]);
      return { customers: n(r!.n), average: r!.average === null ? null : Number(r!.average) };
    },
    async cohorts(buckets) {
      if (!buckets.length) return [];
      const values = buckets.map((_, i) => `($${i * 3 + 1}::int8, $${i * 3 + 2}::int8, $${i * 3 + 3}::int8)`).join(', ');
      const rows = await db.query<Row>(
        cohortSql(values),
        buckets.flatMap((b, i) => [i, b.from, b.to]),
      );
      return rows.map((r) => ({ cohort: n(r.cohort), offset: n(r.offset), customers: n(r.customers) }));
    },
  };
}
