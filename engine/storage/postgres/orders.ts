import { toOrder } from '../sqlite/rows.ts';
import type { OrderStore } from '../types.ts';
import { columns, type Db } from './db.ts';

export function pgOrders(db: Db): OrderStore {
  return {
    async insert(orders) {
      if (!orders.length) return [];
      const rows = await db.query<{ order_id: string }>(
        `INSERT INTO orders (customer_id, order_id, ordered_at, amount, quantity, items)
         SELECT c, o, t, a, q, i FROM unnest($1::int8[], $2::text[], $3::int8[], $4::float8[], $5::int8[], $6::jsonb[]) WITH ORDINALITY AS u(c, o, t, a, q, i, n) ORDER BY n
         ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
        columns(orders, [(o) => o.customerId, (o) => o.orderId, (o) => o.orderedAt, (o) => o.amount, (o) => o.quantity ?? 1, (o) => JSON.stringify(o.items ?? [])]),
      );
      // Of inputs sharing an order id only the first can be new.
      const fresh = new Set(rows.map((r) => r.order_id));
      return orders.map((o) => fresh.delete(o.orderId));
    },
    async owners(orderIds) {
      if (!orderIds.length) return new Map();
      const rows = await db.query<{ order_id: string; external_id: string }>(
        'SELECT o.order_id, c.external_id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.order_id = ANY($1::text[])',
        [orderIds],
      );
      return new Map(rows.map((r) => [r.order_id, r.external_id]));
    },
    async list(customerId) {
      return (await db.query('SELECT * FROM orders WHERE customer_id = $1 ORDER BY ordered_at, id', [customerId])).map(toOrder);
    },
    async listAll({ limit, afterId }) {
      return (await db.query('SELECT * FROM orders WHERE id > $1 ORDER BY id LIMIT $2', [afterId, limit])).map(toOrder);
    },
  };
}
