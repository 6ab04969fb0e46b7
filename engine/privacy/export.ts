import type { CustomerRecord, Storage } from '../storage/types.ts';

/**
 * Everything held on one customer (GDPR art. 15 / CCPA access request):
 * profile, consent, events, orders, journey runs with their decision trace,
 * messages queued or sent, and model scores.
 */
export async function exportCustomer(storage: Storage, customer: CustomerRecord) {
  const runs = await storage.runs.forCustomer(customer.id);
  return {
    customer,
    events: await storage.events.list(customer.id, { limit: Number.MAX_SAFE_INTEGER }),
    orders: await storage.orders.list(customer.id),
    runs: await Promise.all(runs.map(async (r) => ({ ...r, history: await storage.runs.history(r.id) }))),
    messages: await storage.outbox.list({ customerId: customer.id, limit: Number.MAX_SAFE_INTEGER }),
    // Every delivery, also those retention moved to the archive (with the address they went to).
    deliveries: (await storage.analytics.deliveries({ customerId: customer.id, limit: Number.MAX_SAFE_INTEGER, offset: 0 })).entries,
    scores: await storage.scores.forCustomer(customer.id),
  };
}

export type CustomerExport = Awaited<ReturnType<typeof exportCustomer>>;
