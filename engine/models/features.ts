import { ForesightError } from '../core/errors.ts';
import { dayNumber, daysPerUnit } from './time.ts';
import type { EmailEvent, Order, TimeUnit } from './types.ts';

/**
 * Customer features at a cutoff. Orders are first indexed once (grouped per customer, merged
 * into purchase days, sorted), so features can be taken at several cutoffs cheaply — the
 * propensity model needs an earlier cutoff for training labels. Tables are columnar typed
 * arrays: a million customers stay a few dozen flat arrays rather than a million objects.
 */

/** Orders grouped per customer into purchase days (UTC calendar days), sorted by day. */
export interface OrderIndex {
  ids: readonly string[];
  slotOf: ReadonlyMap<string, number>;
  /** Customer c's input orders, by day: ordersByCustomer[orderStart[c]] .. [orderStart[c+1]-1]. */
  orderStart: Uint32Array;
  ordersByCustomer: Uint32Array;
  /** UTC day number of each input order, in input order. */
  orderDay: Int32Array;
  /** Customer c's purchase days are rows dayStart[c] .. dayStart[c+1]-1. */
  dayStart: Uint32Array;
  day: Int32Array;
  /** Summed amount, order count and quantity of each purchase day. */
  dayAmount: Float64Array;
  dayOrders: Uint32Array;
  dayQuantity: Float64Array;
}

/** Email events grouped per customer, sorted by day. */
export interface EmailIndex {
  slotOf: ReadonlyMap<string, number>;
  ids: readonly string[];
  eventStart: Uint32Array;
  day: Int32Array;
  /** 0 = sent, 1 = open, 2 = click. */
  kind: Uint8Array;
}

const KIND = { sent: 0, open: 1, click: 2 } as const;

/**
 * Per-customer features at a cutoff. Rows 0 .. buyers-1 are customers with a purchase on or
 * before the cutoff day; rows buyers .. n-1 are prospects known only from email events.
 * Purchase columns are meaningful for buyer rows only (0 for prospects). Times x, t_x, T are
 * in `timeUnit`s; the *Days columns are in days.
 */
export interface FeatureTable {
  ids: readonly string[];
  n: number;
  buyers: number;
  cutoffDay: number;
  timeUnit: TimeUnit;
  /** Row → customer slot in the OrderIndex (buyers only). */
  orderSlot: Uint32Array;
  /** Repeat purchase days: distinct purchase days − 1. */
  x: Float64Array;
  /** Time of the last purchase day since the first. */
  tx: Float64Array;
  /** Time from the first purchase day to the cutoff. */
  T: Float64Array;
  firstDay: Int32Array;
  lastDay: Int32Array;
  daysSinceLast: Float64Array;
  orders: Float64Array;
  total: Float64Array;
  /** total / orders. */
  averageOrderValue: Float64Array;
  quantity: Float64Array;
  /** Mean spend of the repeat purchase days (first day excluded, Fader–Hardie); NaN when x = 0. */
  repeatMean: Float64Array;
  /** Gaps in days between consecutive purchase days: rows gapStart[i] .. gapStart[i+1]-1 of gapDays. */
  gapStart: Uint32Array;
  gapDays: Float64Array;
  /** Email engagement per row; present only when features were taken with an EmailIndex. */
  email?: EmailFeatures;
}

export interface EmailFeatures {
  sent: Float64Array;
  opened: Float64Array;
  clicked: Float64Array;
  /** Days from the last open / click to the cutoff; NaN when there was none. */
  daysSinceOpen: Float64Array;
  daysSinceClick: Float64Array;
}

/**
 * Groups orders per customer into purchase days. Throws on an unusable order, naming it.
 * @example
 * const idx = indexOrders([{ customerId: 'c1', orderId: 'o1', orderedAt: new Date('1997-01-01'), amount: 10 }]);
 * idx.ids // => ['c1']
 */
export function indexOrders(orders: readonly Order[]): OrderIndex {
  const slotOf = new Map<string, number>();
  const ids: string[] = [];
  const slot = new Uint32Array(orders.length);
  const days = new Int32Array(orders.length);
  let previousId: string | undefined;
  let current = 0;
  for (let i = 0; i < orders.length; i++) {
    const o = orders[i]!;
    validateOrder(o, i);
    // Orders usually arrive grouped by customer: only a new run needs the map.
    if (o.customerId !== previousId) {
      const known = slotOf.get(o.customerId);
      if (known === undefined) {
        current = ids.length;
        slotOf.set(o.customerId, current);
        ids.push(o.customerId);
      } else {
        current = known;
      }
      previousId = o.customerId;
    }
    slot[i] = current;
    days[i] = dayNumber(o.orderedAt);
  }
  const { start: orderStart, perm } = groupBySlot(slot, ids.length, days);

  // Merge same-day orders of a customer into one purchase day (typed arrays sized for the
  // worst case, trimmed by subarray: no growth copies on millions of orders).
  const dayStart = new Uint32Array(ids.length + 1);
  const day = new Int32Array(orders.length);
  const dayAmount = new Float64Array(orders.length);
  const dayOrders = new Uint32Array(orders.length);
  const dayQuantity = new Float64Array(orders.length);
  let count = 0;
  let prevSlot = -1;
  for (let k = 0; k < perm.length; k++) {
    const i = perm[k]!;
    const o = orders[i]!;
    const s = slot[i]!;
    if (s !== prevSlot) {
      for (let c = prevSlot + 1; c <= s; c++) dayStart[c] = count;
      prevSlot = s;
    } else if (day[count - 1] === days[i]) {
      dayAmount[count - 1]! += o.amount;
      dayOrders[count - 1]! += 1;
      dayQuantity[count - 1]! += o.quantity ?? 0;
      continue;
    }
    day[count] = days[i]!;
    dayAmount[count] = o.amount;
    dayOrders[count] = 1;
    dayQuantity[count] = o.quantity ?? 0;
    count++;
  }
  for (let c = prevSlot + 1; c <= ids.length; c++) dayStart[c] = count;
  return {
    ids,
    slotOf,
    orderStart,
    ordersByCustomer: perm,
    orderDay: days,
    dayStart,
    day: day.subarray(0, count),
    dayAmount: dayAmount.subarray(0, count),
    dayOrders: dayOrders.subarray(0, count),
    dayQuantity: dayQuantity.subarray(0, count),
  };
}

/**
 * Groups email events per customer, sorted by day.
 * @example indexEmailEvents([{ customerId: 'c1', type: 'open', at: new Date('1997-01-02') }]).ids // => ['c1']
 */
export function indexEmailEvents(events: readonly EmailEvent[]): EmailIndex {
  const slotOf = new Map<string, number>();
  const ids: string[] = [];
  const slot = new Uint32Array(events.length);
  const days = new Int32Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (typeof e.customerId !== 'string' || e.customerId === '') {
      throw new ForesightError('invalid_event', `events[${i}].customerId: missing; give every event a customer id`, { field: `events[${i}].customerId` });
    }
    if (!(e.at instanceof Date) || Number.isNaN(e.at.getTime())) {
      throw new ForesightError('invalid_event', `events[${i}].at: not a valid Date; pass the event time as a Date`, { field: `events[${i}].at` });
    }
    if (!(e.type in KIND)) {
      throw new ForesightError('invalid_event', `events[${i}].type: "${String(e.type)}" is unknown; use sent, open or click`, { field: `events[${i}].type` });
    }
    let s = slotOf.get(e.customerId);
    if (s === undefined) {
      s = ids.length;
      slotOf.set(e.customerId, s);
      ids.push(e.customerId);
    }
    slot[i] = s;
    days[i] = dayNumber(e.at);
  }
  const { start: eventStart, perm } = groupBySlot(slot, ids.length, days);
  return {
    slotOf,
    ids,
    eventStart,
    day: Int32Array.from(perm, (i) => days[i]!),
    kind: Uint8Array.from(perm, (i) => KIND[events[i]!.type]),
  };
}

/**
 * Features of every customer known at the cutoff (orders after the cutoff day are ignored).
 * `customers` restricts the table to some OrderIndex slots (e.g. a training sample).
 * @example
 * const t = featuresAt(indexOrders(orders), new Date('1997-09-30'), 'week');
 * t.x[0]; t.tx[0]; t.T[0];
 */
export function featuresAt(index: OrderIndex, cutoff: Date, timeUnit: TimeUnit, email?: EmailIndex, customers?: Uint32Array): FeatureTable {
  if (!(cutoff instanceof Date) || Number.isNaN(cutoff.getTime())) {
    throw new ForesightError('invalid_cutoff', 'cutoff: not a valid Date; pass the calibration end / as-of date', { field: 'cutoff' });
  }
  const cutoffDay = dayNumber(cutoff);
  const unit = daysPerUnit(timeUnit);

  // Buyers at the cutoff, and how many of their purchase days fall on or before it.
  const candidates = customers ? customers.length : index.ids.length;
  const buyerSlots = new Uint32Array(candidates);
  const seenDays = new Uint32Array(candidates);
  let buyers = 0;
  for (let k = 0; k < candidates; k++) {
    const c = customers ? customers[k]! : k;
    let d = index.dayStart[c]!;
    const end = index.dayStart[c + 1]!;
    while (d < end && index.day[d]! <= cutoffDay) d++;
    if (d > index.dayStart[c]!) {
      buyerSlots[buyers] = c;
      seenDays[buyers++] = d - index.dayStart[c]!;
    }
  }
  const ids: string[] = new Array(buyers);
  for (let i = 0; i < buyers; i++) ids[i] = index.ids[buyerSlots[i]!]!;
  if (email && !customers) {
    for (let c = 0; c < email.ids.length; c++) {
      const id = email.ids[c]!;
      const slot = index.slotOf.get(id);
      const isBuyer = slot !== undefined && index.day[index.dayStart[slot]!]! <= cutoffDay;
      if (!isBuyer && email.day[email.eventStart[c]!]! <= cutoffDay) ids.push(id);
    }
  }
  const n = ids.length;
  const table = emptyTable(n, buyers, cutoffDay, timeUnit, ids);

  let gaps = 0;
  for (let i = 0; i < buyers; i++) gaps += seenDays[i]! - 1;
  table.gapDays = new Float64Array(gaps);
  let g = 0;
  for (let i = 0; i < buyers; i++) {
    const c = buyerSlots[i]!;
    const start = index.dayStart[c]!;
    const days = seenDays[i]!;
    const first = index.day[start]!;
    const last = index.day[start + days - 1]!;
    let orders = 0;
    let total = 0;
    let quantity = 0;
    table.gapStart[i] = g;
    for (let k = start; k < start + days; k++) {
      orders += index.dayOrders[k]!;
      total += index.dayAmount[k]!;
      quantity += index.dayQuantity[k]!;
      if (k > start) table.gapDays[g++] = index.day[k]! - index.day[k - 1]!;
    }
    table.orderSlot[i] = c;
    table.x[i] = days - 1;
    table.tx[i] = (last - first) / unit;
    table.T[i] = (cutoffDay - first) / unit;
    table.firstDay[i] = first;
    table.lastDay[i] = last;
    table.daysSinceLast[i] = cutoffDay - last;
    table.orders[i] = orders;
    table.total[i] = total;
    table.averageOrderValue[i] = total / orders;
    table.quantity[i] = quantity;
    table.repeatMean[i] = days > 1 ? (total - index.dayAmount[start]!) / (days - 1) : NaN;
  }
  for (let i = buyers; i <= n; i++) table.gapStart[i] = g;

  if (email) table.email = emailFeatures(table, email);
  return table;
}

/**
 * Convenience wrapper: index and take features in one call.
 * @example computeFeatures({ orders, cutoff: new Date('1997-09-30'), timeUnit: 'week' }).n
 */
export function computeFeatures(input: { orders: readonly Order[]; events?: readonly EmailEvent[]; cutoff: Date; timeUnit: TimeUnit }): FeatureTable {
  return featuresAt(indexOrders(input.orders), input.cutoff, input.timeUnit, input.events ? indexEmailEvents(input.events) : undefined);
}

/**
 * Number of purchase days of each buyer row in the window (fromDay, toDay] — the label
 * source for propensity models and holdout checks.
 * @example purchaseDaysBetween(idx, table, table.cutoffDay, table.cutoffDay + 273)
 */
export function purchaseDaysBetween(index: OrderIndex, table: FeatureTable, fromDay: number, toDay: number): Float64Array {
  const out = new Float64Array(table.buyers);
  for (let i = 0; i < table.buyers; i++) {
    const c = table.orderSlot[i]!;
    let count = 0;
    for (let k = index.dayStart[c]!; k < index.dayStart[c + 1]!; k++) {
      const d = index.day[k]!;
      if (d > fromDay && d <= toDay) count++;
    }
    out[i] = count;
  }
  return out;
}

/**
 * Number of email events of one type per table row in the window (fromDay, toDay] — the
 * label source for the engagement model.
 * @example emailEventsBetween(emailIdx, table, 'open', table.cutoffDay, table.cutoffDay + 28)
 */
export function emailEventsBetween(email: EmailIndex, table: FeatureTable, type: EmailEvent['type'], fromDay: number, toDay: number): Float64Array {
  const out = new Float64Array(table.n);
  const kind = KIND[type];
  for (let i = 0; i < table.n; i++) {
    const c = email.slotOf.get(table.ids[i]!);
    if (c === undefined) continue;
    let count = 0;
    for (let k = email.eventStart[c]!; k < email.eventStart[c + 1]!; k++) {
      const d = email.day[k]!;
      if (d > fromDay && d <= toDay && email.kind[k] === kind) count++;
    }
    out[i] = count;
  }
  return out;
}

function emailFeatures(table: FeatureTable, email: EmailIndex): EmailFeatures {
  const n = table.n;
  const out: EmailFeatures = {
    sent: new Float64Array(n),
    opened: new Float64Array(n),
    clicked: new Float64Array(n),
    daysSinceOpen: new Float64Array(n).fill(NaN),
    daysSinceClick: new Float64Array(n).fill(NaN),
  };
  for (let i = 0; i < n; i++) {
    const c = email.slotOf.get(table.ids[i]!);
    if (c === undefined) continue;
    let sent = 0;
    let opened = 0;
    let clicked = 0;
    let lastOpen = NaN;
    let lastClick = NaN;
    for (let k = email.eventStart[c]!; k < email.eventStart[c + 1]!; k++) {
      const d = email.day[k]!;
      if (d > table.cutoffDay) break;
      const kind = email.kind[k];
      if (kind === KIND.sent) sent++;
      else if (kind === KIND.open) {
        opened++;
        lastOpen = d;
      } else {
        clicked++;
        lastClick = d;
      }
    }
    out.sent[i] = sent;
    out.opened[i] = opened;
    out.clicked[i] = clicked;
    out.daysSinceOpen[i] = table.cutoffDay - lastOpen;
    out.daysSinceClick[i] = table.cutoffDay - lastClick;
  }
  return out;
}

function emptyTable(n: number, buyers: number, cutoffDay: number, timeUnit: TimeUnit, ids: string[]): FeatureTable {
  const f = (): Float64Array => new Float64Array(n);
  return {
    ids,
    n,
    buyers,
    cutoffDay,
    timeUnit,
    orderSlot: new Uint32Array(n),
    x: f(),
    tx: f(),
    T: f(),
    firstDay: new Int32Array(n),
    lastDay: new Int32Array(n),
    daysSinceLast: f(),
    orders: f(),
    total: f(),
    averageOrderValue: f(),
    quantity: f(),
    repeatMean: f().fill(NaN),
    gapStart: new Uint32Array(n + 1),
    gapDays: new Float64Array(0),
  };
}

/**
 * Stable permutation of rows grouped by slot and sorted by day within a slot (counting sort +
 * per-slot sort), with each slot's start offset.
 */
function groupBySlot(slot: Uint32Array, slots: number, days: Int32Array): { start: Uint32Array; perm: Uint32Array } {
  const start = new Uint32Array(slots + 1);
  for (let i = 0; i < slot.length; i++) start[slot[i]! + 1]!++;
  for (let c = 0; c < slots; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, slots);
  const perm = new Uint32Array(slot.length);
  for (let i = 0; i < slot.length; i++) perm[fill[slot[i]!]!++] = i;
  for (let c = 0; c < slots; c++) {
    const a = start[c]!;
    const b = start[c + 1]!;
    let sorted = true;
    for (let k = a + 1; k < b && sorted; k++) sorted = days[perm[k - 1]!]! <= days[perm[k]!]!;
    if (!sorted) {
      // Stable: equal days keep input order, so same-day amounts merge deterministically.
      const seg = Array.from(perm.subarray(a, b)).sort((i, j) => days[i]! - days[j]! || i - j);
      perm.set(seg, a);
    }
  }
  return { start, perm };
}

/** Checks one order; a plain function (no per-call closure) because it runs for every order. */
function validateOrder(o: Order, i: number): void {
  if (typeof o.customerId !== 'string' || o.customerId === '') badOrder(i, 'customerId', 'missing; give every order a customer id');
  if (!(o.orderedAt instanceof Date) || Number.isNaN(o.orderedAt.getTime())) badOrder(i, 'orderedAt', 'not a valid Date; pass the order time as a Date');
  if (typeof o.amount !== 'number' || !Number.isFinite(o.amount) || o.amount < 0) badOrder(i, 'amount', `${String(o.amount)} is not a finite amount ≥ 0`);
  if (o.quantity !== undefined && !Number.isFinite(o.quantity)) badOrder(i, 'quantity', `${String(o.quantity)} is not a number; omit it or pass a count`);
}

function badOrder(i: number, field: string, fix: string): never {
  throw new ForesightError('invalid_order', `orders[${i}].${field}: ${fix}`, { field: `orders[${i}].${field}` });
}
