import type { Database } from 'better-sqlite3';
import type { OrderStore } from '../types.ts';
import { toOrder } from './rows.ts';

export function sqliteOrders(db: Database): OrderStore {
  const insert = db.prepare(
    'INSERT INTO orders (customer_id, order_id, ordered_at, amount, quantity, items) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING',
  );
  const list = db.prepare('SELECT * FROM orders WHERE customer_id = ? ORDER BY ordered_at, id');
  const owners = db
    .prepare('SELECT o.order_id, c.external_id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.order_id IN (SELECT value FROM json_each(?))')
    .raw();
  const listAll = db.prepare('SELECT * FROM orders WHERE id > ? ORDER BY id LIMIT ?');
  return {
    async insert(orders) {
      return db.transaction(() =>
        orders.map((o) => insert.run(o.customerId, o.orderId, o.orderedAt, o.amount, o.quantity ?? 1, JSON.stringify(o.items ?? [])).changes > 0),
      )();
    },
    async owners(orderIds) {
      return new Map(orderIds.length ? (owners.all(JSON.stringify(orderIds)) as [string, string][]) : []);
    },
    async list(customerId) {
      return (list.all(customerId) as Record<string, unknown>[]).map(toOrder);
    },
    async listAll({ limit, afterId }) {
      return (listAll.all(afterId, limit) as Record<string, unknown>[]).map(toOrder);
    },
  };
}
