import type { ScoreRecord, Storage } from '../storage/types.ts';
import type { EmailEvent, Order } from './types.ts';

/**
 * Reads the models' inputs out of storage in keyset pages (bounded queries however large the
 * base). Customers are identified to the models by their numeric storage id as a string.
 */

export interface EmailEventTypes {
  /** Event type recorded when an email is opened (default `email_opened`, from the tracking pixel). */
  open?: string;
  /** Event type recorded when a link in an email is clicked (default `email_clicked`). */
  click?: string;
}

/**
 * Every order placed at or before `until` (epoch ms).
 * @example const orders = await storedOrders(storage, clock.now().getTime(), 10_000);
 */
export async function storedOrders(storage: Storage, until: number, pageSize: number): Promise<Order[]> {
  const orders: Order[] = [];
  for (let afterId = 0; ; ) {
    const page = await storage.orders.listAll({ afterId, limit: pageSize });
    for (const o of page) {
      if (o.orderedAt > until) continue;
      orders.push({ customerId: String(o.customerId), orderId: o.orderId, orderedAt: new Date(o.orderedAt), amount: o.amount, quantity: o.quantity, items: o.items });
    }
    if (page.length < pageSize) return orders;
    afterId = page[page.length - 1]!.id;
  }
}

/**
 * Email sends (from the send log), opens and clicks (from events) at or before `until`.
 * @example const events = await storedEmailEvents(storage, now, 10_000, {});
 */
export async function storedEmailEvents(storage: Storage, until: number, pageSize: number, types: EmailEventTypes): Promise<EmailEvent[]> {
  const events: EmailEvent[] = [];
  for (let afterSeq = 0; ; ) {
    const page = await storage.models.sends({ afterSeq, limit: pageSize });
    for (const s of page) if (s.sentAt <= until) events.push({ customerId: String(s.customerId), type: 'sent', at: new Date(s.sentAt) });
    if (page.length < pageSize) break;
    afterSeq = page[page.length - 1]!.seq;
  }
  const open = types.open ?? 'email_opened';
  const click = types.click ?? 'email_clicked';
  for (let afterId = 0; ; ) {
    const page = await storage.models.eventsOfTypes([open, click], { afterId, limit: pageSize });
    for (const e of page) {
      if (e.occurredAt <= until) events.push({ customerId: String(e.customerId), type: e.type === open ? 'open' : 'click', at: new Date(e.occurredAt) });
    }
    if (page.length < pageSize) return events;
    afterId = page[page.length - 1]!.id;
  }
}

/**
 * The stored value of one model per customer id (e.g. the previous next-purchase time).
 * @example const previous = await storedScoreValues(storage, 'next_purchase', 10_000);
 */
export async function storedScoreValues(storage: Storage, model: string, pageSize: number, read: (s: ScoreRecord) => number | null = (s) => s.value): Promise<Map<number, number | null>> {
  const values = new Map<number, number | null>();
  for (let afterCustomerId = 0; ; ) {
    const page = await storage.models.scoresOf(model, { afterCustomerId, limit: pageSize });
    for (const s of page) values.set(s.customerId, read(s));
    if (page.length < pageSize) return values;
    afterCustomerId = page[page.length - 1]!.customerId;
  }
}
