import { setImmediate as yieldToIo } from 'node:timers/promises';
import type { Storage } from '../storage/types.ts';

const PAGE = 1000;

/**
 * The stored customers, events and orders a backtest replays, read page by
 * page. Purchase events that orders produced are left out, since replaying
 * the orders recreates them. Between pages the event loop serves other
 * requests: reading a large shop must not stall the API.
 */
export async function backtestInput(storage: Storage) {
  const customers = [];
  const events = [];
  const externalIds = new Map<number, string>();
  for (let offset = 0; ; offset += PAGE) {
    const page = await storage.customers.list({ limit: PAGE, offset });
    for (const c of page) {
      externalIds.set(c.id, c.externalId);
      customers.push({ customerId: c.externalId, email: c.email, attributes: c.attributes, timezone: c.timezone, consent: c.consent });
      for (const e of await storage.events.list(c.id, { limit: Number.MAX_SAFE_INTEGER })) {
        if (e.idempotencyKey?.startsWith('order:')) continue;
        events.push({ customerId: c.externalId, type: e.type, properties: e.properties, occurredAt: new Date(e.occurredAt), idempotencyKey: e.idempotencyKey ?? undefined });
      }
    }
    await yieldToIo();
    if (page.length < PAGE) break;
  }
  const orders = [];
  for (let afterId = 0; ; ) {
    const page = await storage.orders.listAll({ limit: PAGE, afterId });
    for (const o of page) orders.push({ customerId: externalIds.get(o.customerId)!, orderId: o.orderId, orderedAt: new Date(o.orderedAt), amount: o.amount, quantity: o.quantity, items: o.items });
    await yieldToIo();
    if (page.length < PAGE) break;
    afterId = page[page.length - 1]!.id;
  }
  return { customers, events, orders };
}

export type BacktestInput = Awaited<ReturnType<typeof backtestInput>>;
