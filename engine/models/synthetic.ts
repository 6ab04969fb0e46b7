import type { BgnbdParams } from './bgnbd.ts';
import type { GammaGammaParams } from './gamma-gamma.ts';
import { createRng, type Rng } from './rng.ts';
import { dateOfDay, dayNumber, daysPerUnit } from './time.ts';
import type { EmailEvent, Order, TimeUnit } from './types.ts';

/**
 * Synthetic customer bases drawn from known model parameters, for recovery tests and
 * benchmarks. The purchase process is exactly BG/NBD: λ ~ Gamma(r, α) per time unit,
 * p ~ Beta(a, b); Poisson purchases while alive; after each *repeat* purchase the customer
 * drops out with probability p (the first purchase is never followed by dropout, as in the
 * model's likelihood). Spend per purchase day is Gamma(p, ν) with ν ~ Gamma(q, γ).
 */

export interface SyntheticOptions {
  customers: number;
  seed: number;
  bgnbd: BgnbdParams;
  gammaGamma: GammaGammaParams;
  /** First purchases fall uniformly in [start, start + acquisitionDays). */
  start: Date;
  acquisitionDays: number;
  /** Last simulated day (inclusive). */
  end: Date;
  /** Unit in which λ is expressed. */
  timeUnit: TimeUnit;
  /** Optional products: groups of related items; customers favour one group. */
  items?: { catalogue: number; groups: number; loyalty: number };
}

export interface SyntheticPopulation {
  /** Orders share Date objects per day and product id strings: treat them as read-only. */
  orders: Order[];
  truth: {
    ids: string[];
    lambda: Float64Array;
    p: Float64Array;
    /** Day number of dropout, Infinity when still alive at the end. */
    dropoutDay: Float64Array;
    /** Favourite item group, −1 without items. */
    group: Int32Array;
  };
}

/**
 * Draws a customer base. Equal seeds give identical populations.
 * @example
 * const { orders, truth } = generatePopulation({ customers: 1000, seed: 1, bgnbd, gammaGamma,
 *   start: new Date('2024-01-01'), acquisitionDays: 84, end: new Date('2025-06-30'), timeUnit: 'week' });
 */
export function generatePopulation(o: SyntheticOptions): SyntheticPopulation {
  const rng = createRng(o.seed);
  const unit = daysPerUnit(o.timeUnit);
  const startDay = dayNumber(o.start);
  const endDay = dayNumber(o.end) + 1; // purchases happen before the end of the last day
  const n = o.customers;
  const truth = {
    ids: new Array<string>(n),
    lambda: new Float64Array(n),
    p: new Float64Array(n),
    dropoutDay: new Float64Array(n),
    group: new Int32Array(n).fill(-1),
  };
  const orders: Order[] = [];
  // One Date per calendar day and one string per product, shared by all orders that use them:
  // millions of orders then cost far less memory (and garbage-collection time).
  const dates = new Map<number, Date>();
  const dateOf = (day: number): Date => {
    let date = dates.get(day);
    if (!date) dates.set(day, (date = dateOfDay(day)));
    return date;
  };
  const itemIds = o.items ? Array.from({ length: o.items.catalogue + 1 }, (_, k) => `p${k}`) : [];
  const { r, alpha, a, b } = o.bgnbd;
  const gg = o.gammaGamma;
  for (let c = 0; c < n; c++) {
    const id = `s${c + 1}`;
    const lambda = rng.gamma(r, alpha);
    const p = rng.beta(a, b);
    const nu = rng.gamma(gg.q, gg.gamma);
    const group = o.items ? rng.int(o.items.groups) : -1;
    truth.ids[c] = id;
    truth.lambda[c] = lambda;
    truth.p[c] = p;
    truth.group[c] = group;
    truth.dropoutDay[c] = Infinity;
    let day = startDay + rng.next() * o.acquisitionDays;
    for (let k = 0; day < endDay; k++) {
      const order: Order = { customerId: id, orderId: `${id}-${k + 1}`, orderedAt: dateOf(Math.floor(day)), amount: Math.round(rng.gamma(gg.p, nu) * 100) / 100 };
      if (o.items) order.items = drawItems(rng, o.items, group, itemIds);
      orders.push(order);
      if (k > 0 && rng.next() < p) {
        truth.dropoutDay[c] = day;
        break;
      }
      day += rng.exponential(lambda) * unit;
    }
  }
  return { orders, truth };
}

export interface SyntheticEmailOptions {
  ids: readonly string[];
  seed: number;
  start: Date;
  days: number;
  /** A send to every customer every this many days. */
  sendEveryDays: number;
  /** Open propensity π ~ Beta(openA, openB) per customer; each send is opened with probability π. */
  openA: number;
  openB: number;
  /** Probability that an open is followed by a click. */
  clickGivenOpen: number;
}

/**
 * Draws email sends, opens and clicks with a known per-customer open propensity.
 * @example generateEmailEvents({ ids: ['c1'], seed: 1, start: new Date('2024-01-01'), days: 90, sendEveryDays: 7, openA: 2, openB: 5, clickGivenOpen: 0.2 })
 */
export function generateEmailEvents(o: SyntheticEmailOptions): { events: EmailEvent[]; openPropensity: Float64Array } {
  const rng = createRng(o.seed);
  const startDay = dayNumber(o.start);
  const events: EmailEvent[] = [];
  const openPropensity = new Float64Array(o.ids.length);
  for (let c = 0; c < o.ids.length; c++) {
    const customerId = o.ids[c]!;
    const pi = rng.beta(o.openA, o.openB);
    openPropensity[c] = pi;
    for (let d = rng.int(o.sendEveryDays); d < o.days; d += o.sendEveryDays) {
      events.push({ customerId, type: 'sent', at: dateOfDay(startDay + d) });
      if (rng.next() < pi) {
        const openDay = Math.min(d + rng.int(3), o.days - 1);
        events.push({ customerId, type: 'open', at: dateOfDay(startDay + openDay) });
        if (rng.next() < o.clickGivenOpen) events.push({ customerId, type: 'click', at: dateOfDay(startDay + openDay) });
      }
    }
  }
  return { events, openPropensity };
}

/** 1–2 items per order; with probability `loyalty` from the customer's group, else anywhere. */
function drawItems(rng: Rng, items: NonNullable<SyntheticOptions['items']>, group: number, itemIds: readonly string[]): string[] {
  const perGroup = Math.max(1, Math.floor(items.catalogue / items.groups));
  const count = rng.next() < 0.5 ? 1 : 2;
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    // Squaring a uniform skews choice towards low ranks: a few items are popular.
    const rank = Math.floor(rng.next() ** 2 * perGroup);
    const g = rng.next() < items.loyalty ? group : rng.int(items.groups);
    out.push(itemIds[g * perGroup + rank + 1]!);
  }
  return out;
}
