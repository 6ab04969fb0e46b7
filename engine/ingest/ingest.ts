import type { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { ForesightError } from '../core/errors.ts';
import type { Storage } from '../storage/types.ts';
import { profileOutcomes, type ProfileOutcome } from './profile-changes.ts';
import { identifySchema, orderSchema, trackSchema, type IdentifyInput, type OrderInputExternal, type TrackInput } from './schemas.ts';

export interface Rejection {
  index: number;
  field: string;
  message: string;
}

/** Validates each item; returns the parsed ones and a rejection per bad one (field named). */
export function validateItems<S extends z.ZodType>(schema: S, items: readonly unknown[]): { ok: { index: number; value: z.output<S> }[]; rejected: Rejection[] } {
  const ok: { index: number; value: z.output<S> }[] = [];
  const rejected: Rejection[] = [];
  items.forEach((item, index) => {
    const r = schema.safeParse(item);
    if (r.success) ok.push({ index, value: r.data });
    else {
      const issue = r.error.issues[0]!;
      const field = issue.path.join('.') || 'item';
      rejected.push({ index, field, message: `${field}: ${issue.message}` });
    }
  });
  return { ok, rejected };
}

// A day of slack: a date-only value is read as UTC midnight, which is already "today" east of UTC.
export const FUTURE_SLACK_MS = 86_400_000;

// 1973-03-03T09:46:40Z, the first 12-digit epoch millisecond: anything earlier is epoch seconds sent where
// milliseconds go (1796044553 reads as 1970-01-21) or a typo'd year, not a shop's history.
export const EARLIEST_MS = 1e11;

/**
 * Why a time cannot be history, or null: an order or event dated after now (a typo'd year, a swapped
 * day and month, a wrong zone) would count as something nobody did yet, for the models and the journeys;
 * one before 1973 (epoch seconds read as milliseconds) as a customer of 50 years' standing.
 */
export function timeProblem(at: Date | undefined, now: Date): string | null {
  if (!at) return null;
  if (at.getTime() < EARLIEST_MS) return `${at.toISOString()} is before 1973: epoch milliseconds have 13 digits (seconds × 1000, e.g. 1714557600000); otherwise check the year`;
  if (at.getTime() <= now.getTime() + FUTURE_SLACK_MS) return null;
  return `${at.toISOString()} is in the future (now ${now.toISOString()}); send the time it happened, and check the year, the day/month order and the time zone`;
}

/** Moves items whose time cannot be history (see timeProblem) from `ok` to `rejected`. */
function rejectImplausible<T>(ok: { index: number; value: T }[], rejected: Rejection[], field: string, of: (v: T) => Date | undefined, now: Date): { index: number; value: T }[] {
  return ok.filter(({ index, value }) => {
    const problem = timeProblem(of(value), now);
    if (problem) rejected.push({ index, field, message: `${field}: ${problem}` });
    return !problem;
  });
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
}

/**
 * What the edges (HTTP API) ask of ingestion: `refuseFuture` rejects times after the clock (plus a
 * day of slack), and before 1973 (see timeProblem). Off for tests and simulations, which may load a
 * history ahead of a virtual clock.
 */
export interface IngestOptions {
  refuseFuture?: boolean;
}

/** What became of one ingested item. */
export type ItemOutcome = { status: 'accepted' | 'duplicate' } | { status: 'rejected'; field: string; message: string };

/** Stores events durably (unprocessed); the engine processes them on its next tick. Customers are created on first sight. */
export async function trackEvents(storage: Storage, clock: Clock, items: readonly (TrackInput | unknown)[], opts: IngestOptions = {}): Promise<IngestResult> {
  return summarize(await trackEach(storage, clock, items, opts));
}

/** Item outcomes as counts and rejections by index. */
function summarize(outcomes: ItemOutcome[]): IngestResult {
  const rejected: Rejection[] = [];
  let duplicates = 0;
  outcomes.forEach((o, index) => {
    if (o.status === 'rejected') rejected.push({ index, field: o.field, message: o.message });
    else if (o.status === 'duplicate') duplicates++;
  });
  return { accepted: outcomes.length - rejected.length - duplicates, duplicates, rejected };
}

/** trackEvents with each item's outcome, in the items' order (one write for all of them). */
export async function trackEach(storage: Storage, clock: Clock, items: readonly (TrackInput | unknown)[], opts: IngestOptions = {}): Promise<ItemOutcome[]> {
  const valid = validateItems(trackSchema, items);
  const now = clock.now();
  const rejected = valid.rejected;
  const ok = opts.refuseFuture ? rejectImplausible(valid.ok, rejected, 'occurredAt', (v) => v.occurredAt, now) : valid.ok;
  const ids = await storage.customers.resolve(ok.map((o) => o.value.customerId), now.getTime(), true);
  const results = await storage.events.insert(
    ok.map(({ value: v }) => ({
      customerId: ids.get(v.customerId)!,
      type: v.type,
      properties: v.properties,
      occurredAt: (v.occurredAt ?? now).getTime(),
      idempotencyKey: v.idempotencyKey ?? null,
    })),
    now.getTime(),
  );
  return outcomesOf(items.length, rejected, ok, (k) => (results[k] === null ? 'duplicate' : 'accepted'));
}

/** One outcome per item, in item order: the rejections by index, the rest from `status(k)` for the k-th valid item. */
function outcomesOf(n: number, rejected: Rejection[], ok: { index: number }[], status: (k: number) => 'accepted' | 'duplicate'): ItemOutcome[] {
  const outcomes = new Array<ItemOutcome>(n);
  for (const r of rejected) outcomes[r.index] = { status: 'rejected', field: r.field, message: r.message };
  ok.forEach(({ index }, k) => (outcomes[index] ??= { status: status(k) }));
  return outcomes;
}

/** Creates or updates profiles; `profiles` counts what changed. A profile an item would leave as it is is not written. */
export async function identifyCustomers(storage: Storage, clock: Clock, items: readonly (IdentifyInput | unknown)[]): Promise<IngestResult & { profiles: Record<ProfileOutcome, number> }> {
  const { ok, rejected } = validateItems(identifySchema, items);
  const now = clock.now().getTime();
  const upserts = ok.map(({ value: v }) => ({ externalId: v.customerId, email: v.email, attributes: v.attributes, timezone: v.timezone, consent: v.consent }));
  const ids = await storage.customers.resolve(upserts.map((u) => u.externalId), now, false);
  const stored = new Map((await storage.customers.get([...ids.values()])).map((c) => [c.externalId, c]));
  const outcomes = profileOutcomes(stored, upserts);
  await storage.customers.upsert(upserts.filter((_, i) => outcomes[i] !== 'unchanged'), now);
  const profiles = { created: 0, updated: 0, unchanged: 0 };
  for (const o of outcomes) profiles[o]++;
  return { accepted: ok.length, duplicates: 0, rejected, profiles };
}

/** Stores orders and, for each new one, a `purchase` event (order id as its idempotency key). */
export async function recordOrders(storage: Storage, clock: Clock, items: readonly (OrderInputExternal | unknown)[], opts: IngestOptions = {}): Promise<IngestResult> {
  return summarize(await recordEach(storage, clock, items, opts));
}

/** recordOrders with each item's outcome, in the items' order (one write for all of them). */
export async function recordEach(storage: Storage, clock: Clock, items: readonly (OrderInputExternal | unknown)[], opts: IngestOptions = {}): Promise<ItemOutcome[]> {
  const valid = validateItems(orderSchema, items);
  const rejected = valid.rejected;
  const current = opts.refuseFuture ? rejectImplausible(valid.ok, rejected, 'orderedAt', (v) => v.orderedAt, clock.now()) : valid.ok;
  // An order id already stored for another customer (or given to another one earlier in these items) is
  // refused before its customer is created: a refused order must not leave behind a customer without
  // orders (a prospect segments and journeys would count).
  const owners = await storage.orders.owners(current.map((o) => o.value.orderId));
  const ok = current.filter(({ index, value: v }) => {
    const owner = owners.get(v.orderId);
    if (owner === undefined) owners.set(v.orderId, v.customerId);
    if (owner === undefined || owner === v.customerId) return true;
    rejected.push({ index, field: 'orderId', message: takenMessage(v.orderId, owner) });
    return false;
  });
  const now = clock.now().getTime();
  const ids = await storage.customers.resolve(ok.map((o) => o.value.customerId), now, true);
  const orders = ok.map(({ value: v }) => ({
    customerId: ids.get(v.customerId)!,
    orderId: v.orderId,
    orderedAt: v.orderedAt.getTime(),
    amount: v.amount,
    quantity: v.quantity,
    items: v.items,
  }));
  const inserted = await storage.orders.insert(orders);
  // An order id already stored for another customer is refused, never dropped as a duplicate.
  // (Still checked after the write: another request may have stored the id since.)
  const holders = await storage.orders.owners(orders.filter((_, i) => !inserted[i]).map((o) => o.orderId));
  const taken = ok.map(({ value: v }, i) => !inserted[i] && holders.has(v.orderId) && holders.get(v.orderId) !== v.customerId);
  ok.forEach(({ index, value: v }, i) => {
    if (taken[i]) rejected.push({ index, field: 'orderId', message: takenMessage(v.orderId, holders.get(v.orderId)!) });
  });
  // Every order's event is (re)offered: its idempotency key dedupes, and a retry
  // after a crash between the two writes restores a missing purchase event.
  await storage.events.insert(
    orders.filter((_, i) => !taken[i]).map((o) => ({
      customerId: o.customerId,
      type: 'purchase',
      properties: { order_id: o.orderId, amount: o.amount, quantity: o.quantity, items: o.items },
      occurredAt: o.orderedAt,
      idempotencyKey: `order:${o.orderId}`,
    })),
    now,
  );
  // Taken ids are already among the rejections; the rest were stored now or before.
  return outcomesOf(items.length, rejected, ok, (k) => (inserted[k] ? 'accepted' : 'duplicate'));
}

function takenMessage(orderId: string, owner: string): string {
  return `orderId: order "${orderId}" is already stored for customer "${owner}"; order ids must be unique across customers, so give this order its own id`;
}

/** Throws one error naming the first bad item, for callers that accept all-or-nothing. */
export function assertNoRejections(result: IngestResult): void {
  const r = result.rejected[0];
  if (r) throw new ForesightError('invalid_input', `item ${r.index}: ${r.message}`, { field: `[${r.index}].${r.field}`, details: result.rejected });
}
