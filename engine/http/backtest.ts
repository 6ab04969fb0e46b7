import type { NodeRegistry } from '../plugin/registry.ts';
import { replay } from '../simulate/simulate.ts';
import type { Storage } from '../storage/types.ts';

const PAGE = 1000;

/**
 * "What would this journey have done on our real data?": copies stored
 * customers, events and orders into a throwaway replay. Purchase events that
 * orders produced are left out, since replaying the orders recreates them.
 * Answers in the shape of `foresight simulate --json`.
 */
export async function backtest(opts: { storage: Storage; registry: NodeRegistry; journey: unknown; from: Date; to: Date }) {
  const { storage } = opts;
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
    if (page.length < PAGE) break;
  }
  const orders = [];
  for (let afterId = 0; ; ) {
    const page = await storage.orders.listAll({ limit: PAGE, afterId });
    for (const o of page) orders.push({ customerId: externalIds.get(o.customerId)!, orderId: o.orderId, orderedAt: new Date(o.orderedAt), amount: o.amount, quantity: o.quantity, items: o.items });
    if (page.length < PAGE) break;
    afterId = page[page.length - 1]!.id;
  }
  const { result } = await replay({ journey: opts.journey, registry: opts.registry, customers, events, orders, from: opts.from, to: opts.to });
  return result;
}
