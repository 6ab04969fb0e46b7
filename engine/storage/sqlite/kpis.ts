import type { Database } from 'better-sqlite3';
import { emailEngagementCte } from '../analytics-sql.ts';
import type { KpiStore, OrderFacts, TimeRange } from '../types.ts';

type Row = Record<string, number | string | null>;

/*
 * Plain GROUP BY and CTEs so the PostgreSQL store can keep the same shapes. The only
 * dialect-specific piece is reading a JSON field (`json_extract` here, `->>` there).
 */

/** One row per customer with an order before `to`: counts and revenue before and inside the period. */
const PER_CUSTOMER = `
  SELECT customer_id,
    SUM(CASE WHEN ordered_at < @from THEN 1 ELSE 0 END) AS before_n,
    SUM(CASE WHEN ordered_at >= @from THEN 1 ELSE 0 END) AS in_n,
    SUM(CASE WHEN ordered_at >= @from THEN amount ELSE 0 END) AS in_revenue,
    SUM(amount) AS revenue
  FROM orders WHERE ordered_at < @to GROUP BY customer_id`;

/** The per-customer rows `c` summed into {@link OrderFacts}: plain SQL both dialects share. */
export const FACTS = `
  SUM(CASE WHEN c.before_n > 0 THEN 1 ELSE 0 END) AS customers_at_start,
  SUM(CASE WHEN c.before_n = 0 AND c.in_n > 0 THEN 1 ELSE 0 END) AS new_customers,
  SUM(CASE WHEN c.before_n > 0 AND c.in_n > 0 THEN 1 ELSE 0 END) AS returning_customers,
  SUM(CASE WHEN c.in_n > 0 THEN 1 ELSE 0 END) AS buyers,
  SUM(CASE WHEN c.in_n >= 2 THEN 1 ELSE 0 END) AS repeat_buyers,
  COALESCE(SUM(c.in_n), 0) AS orders,
  COALESCE(SUM(c.in_revenue), 0) AS revenue,
  COUNT(*) AS lifetime_customers,
  COALESCE(SUM(c.revenue), 0) AS lifetime_revenue`;

export const toFacts = (r: Row): OrderFacts => ({
  group: String(r.grp),
  customersAtStart: Number(r.customers_at_start ?? 0),
  newCustomers: Number(r.new_customers ?? 0),
  returningCustomers: Number(r.returning_customers ?? 0),
  buyers: Number(r.buyers ?? 0),
  repeatBuyers: Number(r.repeat_buyers ?? 0),
  orders: Number(r.orders),
  revenue: Number(r.revenue),
  lifetimeCustomers: Number(r.lifetime_customers),
  lifetimeRevenue: Number(r.lifetime_revenue),
});

/**
 * Retention by cohort: each customer's first-order bucket, and the later buckets they ordered in.
 * `values` is the buckets as an inline `(i, from, to)` table; VALUES in a CTE reads the same in PostgreSQL.
 */
export const cohortSql = (values: string) => `WITH m(i, s, e) AS (VALUES ${values}),
  f AS (SELECT customer_id, MIN(ordered_at) AS first_at FROM orders GROUP BY customer_id),
  coh AS (SELECT f.customer_id, m.i AS cohort FROM f JOIN m ON f.first_at >= m.s AND f.first_at < m.e),
  act AS (SELECT DISTINCT o.customer_id, m.i AS bucket FROM coh JOIN orders o ON o.customer_id = coh.customer_id
          JOIN m ON o.ordered_at >= m.s AND o.ordered_at < m.e)
SELECT coh.cohort AS cohort, act.bucket - coh.cohort AS "offset", COUNT(*) AS customers
FROM coh JOIN act ON act.customer_id = coh.customer_id AND act.bucket >= coh.cohort
GROUP BY coh.cohort, act.bucket ORDER BY coh.cohort, act.bucket`;

export function sqliteKpis(db: Database): KpiStore {
  const whole = db.prepare(`WITH c AS (${PER_CUSTOMER}) SELECT 'all' AS grp, ${FACTS} FROM c`);
  const split = db.prepare(
    `WITH c AS (${PER_CUSTOMER}),
       g AS (SELECT customer_id, json_extract(data, @path) AS label FROM scores WHERE model = @model)
     SELECT COALESCE(g.label, 'unknown') AS grp, ${FACTS} FROM c LEFT JOIN g ON g.customer_id = c.customer_id
     GROUP BY COALESCE(g.label, 'unknown') ORDER BY grp`,
  );
  const nps = db.prepare(
    `WITH a AS (SELECT CAST(json_extract(properties, '$.score') AS REAL) AS score FROM events
                WHERE type IN (SELECT value FROM json_each(@types)) AND occurred_at >= @from AND occurred_at < @to
                  AND json_type(properties, '$.score') IN ('integer', 'real'))
     SELECT SUM(CASE WHEN score >= 9 AND score <= 10 THEN 1 ELSE 0 END) AS promoters,
            SUM(CASE WHEN score >= 7 AND score < 9 THEN 1 ELSE 0 END) AS passives,
            SUM(CASE WHEN score >= 0 AND score < 7 THEN 1 ELSE 0 END) AS detractors
     FROM a`,
  );
  // Sends the retention job removed live on as per-minute counts.
  const sent = db.prepare(
    `SELECT (SELECT COUNT(*) FROM email_sends WHERE sent_at >= @from AND sent_at < @to)
          + (SELECT COALESCE(SUM(sent), 0) FROM email_sends_pruned WHERE minute >= @from AND minute < @to) AS n`,
  );
  const funnel = db.prepare(
    `WITH ${emailEngagementCte('@from', '@to', "json_extract(properties, '$.message')")},
       k AS (SELECT customer_id, MIN(occurred_at) AS first_click FROM t WHERE type = 'email_clicked' GROUP BY customer_id)
     SELECT (SELECT COUNT(DISTINCT message) FROM t WHERE type = 'email_opened') AS opened,
            (SELECT COUNT(DISTINCT message) FROM t WHERE type = 'email_clicked') AS clicked,
            (SELECT COUNT(*) FROM k) AS clickers,
            (SELECT COUNT(*) FROM k WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = k.customer_id AND o.ordered_at >= k.first_click AND o.ordered_at < @to)) AS converted`,
  );
  const average = db.prepare('SELECT COUNT(value) AS n, AVG(value) AS average FROM scores WHERE model = ? AND value IS NOT NULL');

  return {
    async orders(range: TimeRange, splitBy) {
      if (!splitBy) {
        const row = whole.get(range) as Row;
        return [toFacts(row)];
      }
      return (split.all({ ...range, model: splitBy.model, path: `$.${splitBy.key}` }) as Row[]).map(toFacts);
    },
    async nps(range, eventTypes) {
      const r = nps.get({ ...range, types: JSON.stringify(eventTypes) }) as Row;
      return { promoters: Number(r.promoters ?? 0), passives: Number(r.passives ?? 0), detractors: Number(r.detractors ?? 0) };
    },
    async email(range) {
      const f = funnel.get(range) as Row;
      return { sent: Number((sent.get(range) as Row).n), opened: Number(f.opened), clicked: Number(f.clicked), clickers: Number(f.clickers), converted: Number(f.converted) };
    },
    async averageScore(model) {
      const r = average.get(model) as Row;
      return { customers: Number(r.n), average: r.average === null ? null : Number(r.average) };
    },
    async cohorts(buckets) {
      if (!buckets.length) return [];
      const values = buckets.map(() => '(?, ?, ?)').join(', ');
      const rows = db
        .prepare(
          cohortSql(values),
        )
        .all(buckets.flatMap((b, i) => [i, b.from, b.to])) as Row[];
      return rows.map((r) => ({ cohort: Number(r.cohort), offset: Number(r.offset), customers: Number(r.customers) }));
    },
  };
}
