import { hash32 } from '../../engine/core/hash.ts';
import { ForesightError } from '../../engine/core/errors.ts';
import type { BgnbdParams } from '../../engine/models/bgnbd.ts';
import { createRng, type Rng } from '../../engine/models/rng.ts';
import { CATEGORIES, PRODUCTS, REPLENISHABLE, productsByCategory, type Product } from './catalogue.ts';

/**
 * A demo shop whose customers behave according to known processes, so the
 * models fitted on it can be checked against the truth and journeys run on it
 * show numbers that make sense.
 *
 * Buyers come in two kinds:
 * - "bgnbd": purchases follow BG/NBD exactly (Fader, Hardie & Lee 2005): while
 *   alive a Poisson process with weekly rate λ ~ Gamma(r, α); after every repeat
 *   purchase the customer drops out with probability p ~ Beta(a, b).
 * - "replenisher": buys one replenishable product on their own cycle (the
 *   product's cycle, personally stretched or shortened), with Gamma-distributed
 *   gaps around it, and drops out the same way as above.
 * Prospects sign up without buying; the more they engage with the newsletter, the
 * sooner they may make a first purchase (months later), after which they buy like
 * "bgnbd" buyers. Everybody browses, abandons some carts, reads (or ignores) the
 * newsletter, and some buyers answer an NPS survey.
 *
 * Each customer is drawn from its own seeded stream, so customer i is the same
 * whatever the store size or batch size, and stores of a million customers can
 * be generated one customer at a time.
 */

export interface DemoStoreOptions {
  customers: number;
  seed: number;
  /** Activity is generated up to this instant. */
  end: Date;
  /** Customers sign up uniformly over the `historyDays` before `end`. Default 365. */
  historyDays?: number;
  /** Share of customers who sign up without buying (some convert later). Default 0.2. */
  prospectShare?: number;
  /** Share of buyers who replenish a product on their own cycle. Default 0.3. */
  replenishShare?: number;
  /** The fortnightly newsletter runs for this many days before `end`. Default 84. */
  newsletterDays?: number;
  /** BG/NBD parameters of the "bgnbd" buyers, λ per week. */
  bgnbd?: BgnbdParams;
}

export const DEFAULT_BGNBD: BgnbdParams = { r: 0.9, alpha: 6, a: 1, b: 4 };
export const MIN_CUSTOMERS = 1;
export const MAX_CUSTOMERS = 1_000_000;
/** Every demo customer's address ends so: recognisably not a real person's. */
export const DEMO_EMAIL_DOMAIN = '@demo.foresight.test';

export type BuyerKind = 'prospect' | 'bgnbd' | 'replenisher';

export interface DemoOrder {
  orderId: string;
  orderedAt: number;
  amount: number;
  quantity: number;
  items: string[];
}

export interface DemoEvent {
  type: string;
  occurredAt: number;
  properties: Record<string, unknown>;
}

export interface DemoCustomer {
  index: number;
  externalId: string;
  email: string;
  timezone: string;
  attributes: Record<string, unknown>;
  signupAt: number;
  orders: DemoOrder[];
  /** Every event except purchases (orders become purchase events when loaded), in time order. */
  events: DemoEvent[];
  truth: {
    kind: BuyerKind;
    /** Purchases per week while alive (bgnbd buyers). */
    lambda: number;
    /** Dropout probability after each repeat purchase. */
    p: number;
    /** The customer's own replenishment cycle in days (replenishers). */
    cycleDays: number | null;
    /** The replenished product (replenishers). */
    product: string | null;
    /** When the customer dropped out, or null when alive at `end`. */
    dropoutAt: number | null;
    /** Chance of opening each newsletter; for prospects it also drives how soon they buy. */
    openPropensity: number;
  };
}

const DAY = 86_400_000;
const MINUTE = 60_000;
const WEEK = 7 * DAY;

const REGIONS = [
  { country: 'DE', timezone: 'Europe/Berlin', weight: 3 },
  { country: 'GB', timezone: 'Europe/London', weight: 2 },
  { country: 'US', timezone: 'America/New_York', weight: 3 },
  { country: 'US', timezone: 'America/Los_Angeles', weight: 2 },
  { country: 'KR', timezone: 'Asia/Seoul', weight: 2 },
] as const;
const REGION_WEIGHT = REGIONS.reduce((s, r) => s + r.weight, 0);
const FIRST_NAMES = ['Ada', 'Ben', 'Chloe', 'Dae', 'Emil', 'Fatima', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kira', 'Liam', 'Mina', 'Noah', 'Olga', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tara'];

/** Checks options and fills defaults; bad values name the option and the fix. */
export function resolveOptions(o: DemoStoreOptions): Required<DemoStoreOptions> {
  if (!Number.isInteger(o.customers) || o.customers < MIN_CUSTOMERS || o.customers > MAX_CUSTOMERS) {
    throw new ForesightError('invalid_input', `customers: ${o.customers} is out of range; use a whole number from ${MIN_CUSTOMERS} to ${MAX_CUSTOMERS.toLocaleString('en')}`, { field: 'customers' });
  }
  if (!Number.isInteger(o.seed)) throw new ForesightError('invalid_input', `seed: ${o.seed} must be a whole number`, { field: 'seed' });
  if (!(o.end instanceof Date) || Number.isNaN(o.end.getTime())) throw new ForesightError('invalid_input', 'end: must be a valid date', { field: 'end' });
  const r = { historyDays: 365, newsletterDays: 84, prospectShare: 0.2, replenishShare: 0.3, bgnbd: DEFAULT_BGNBD, ...o };
  if (!(r.historyDays >= 7)) throw new ForesightError('invalid_input', `historyDays: ${r.historyDays} is too short; use at least 7`, { field: 'historyDays' });
  for (const key of ['prospectShare', 'replenishShare'] as const) {
    if (!(r[key] >= 0 && r[key] <= 1)) throw new ForesightError('invalid_input', `${key}: ${r[key]} must be a share between 0 and 1`, { field: key });
  }
  return r;
}

/** The customers of a demo store, one at a time, in index order. */
export function* demoCustomers(options: DemoStoreOptions): Generator<DemoCustomer> {
  const o = resolveOptions(options);
  for (let i = 0; i < o.customers; i++) yield demoCustomer(o, i);
}

/** Customer `index` of the store; independent of the store's size. */
export function demoCustomer(options: DemoStoreOptions, index: number): DemoCustomer {
  const o = resolveOptions(options);
  const rng = createRng(hash32(`${o.seed}:${index}`));
  const end = o.end.getTime();
  const start = end - o.historyDays * DAY;
  const externalId = `c${index + 1}`;
  const region = pickRegion(rng);
  const signupAt = start + Math.floor(rng.next() * (end - start));
  const favourite = CATEGORIES[rng.int(CATEGORIES.length)]!;
  const kind: BuyerKind = rng.next() < o.prospectShare ? 'prospect' : rng.next() < o.replenishShare ? 'replenisher' : 'bgnbd';
  const lambda = rng.gamma(o.bgnbd.r, o.bgnbd.alpha);
  const p = rng.beta(o.bgnbd.a, o.bgnbd.b);
  const product = kind === 'replenisher' ? REPLENISHABLE[rng.int(REPLENISHABLE.length)]! : null;
  // A personal cycle: the product's nominal one, stretched by how heavily this household uses it.
  const cycleDays = product ? Math.max(5, Math.round(product.replenishDays! * Math.exp(0.25 * rng.normal()))) : null;

  const c: DemoCustomer = {
    index,
    externalId,
    email: `${externalId}${DEMO_EMAIL_DOMAIN}`,
    timezone: region.timezone,
    attributes: { first_name: FIRST_NAMES[rng.int(FIRST_NAMES.length)], country: region.country, favourite_category: favourite, signup_at: new Date(signupAt).toISOString() },
    signupAt,
    orders: [],
    events: [{ type: 'signup', occurredAt: signupAt, properties: {} }],
    truth: { kind, lambda, p, cycleDays, product: product?.id ?? null, dropoutAt: null, openPropensity: 0 },
  };

  // Newsletter readers open with their own propensity; engaged prospects are the ones who eventually buy.
  const openPropensity = rng.beta(2, 5);
  c.truth.openPropensity = openPropensity;

  // Purchases: buyers start a few days after signup; a prospect may start months later (the more
  // engaged, the sooner), then buys like a BG/NBD customer.
  let aliveUntil = end;
  const firstDelay = kind === 'prospect' ? rng.exponential(openPropensity / 60) : rng.exponential(1 / 3);
  let t = signupAt + firstDelay * DAY;
  for (let k = 0; t < end; k++) {
    addPurchase(c, rng, t, product ? [product] : pickItems(rng, favourite));
    if (k > 0 && rng.next() < p) {
      c.truth.dropoutAt = t;
      aliveUntil = t;
      break;
    }
    t += kind === 'replenisher' ? rng.gamma(10, 10 / cycleDays!) * DAY : rng.exponential(lambda) * WEEK;
  }

  // Browsing while interested: sessions about monthly, some ending in an abandoned cart.
  const browseRate = rng.gamma(2, 2 / 0.035); // sessions per day
  for (let t = signupAt + rng.exponential(browseRate) * DAY; t < aliveUntil; t += rng.exponential(browseRate) * DAY) {
    const item = pickItems(rng, favourite)[0]!;
    c.events.push({ type: 'page_view', occurredAt: Math.floor(t), properties: { product_id: item.id, category: item.category } });
    if (rng.next() < 0.35) c.events.push({ type: 'cart_add', occurredAt: Math.floor(t + 2 * MINUTE), properties: { product_id: item.id, price: item.price } });
  }

  // A fortnightly newsletter, launched `newsletterDays` before the end.
  const newsletterStart = Math.max(signupAt, end - o.newsletterDays * DAY);
  for (let t = newsletterStart + (1 + rng.int(14)) * DAY; t < end; t += 14 * DAY) {
    c.events.push({ type: 'email_sent', occurredAt: Math.floor(t), properties: { campaign: 'newsletter' } });
    if (rng.next() < openPropensity) {
      const openedAt = Math.floor(t + rng.exponential(1 / 6) * 3_600_000);
      if (openedAt < end) {
        c.events.push({ type: 'email_opened', occurredAt: openedAt, properties: { campaign: 'newsletter' } });
        if (rng.next() < 0.25) c.events.push({ type: 'email_clicked', occurredAt: openedAt + MINUTE, properties: { campaign: 'newsletter' } });
      }
    }
  }

  // NPS: a third of buyers answer a survey two weeks after one of their orders.
  if (c.orders.length > 0 && rng.next() < 0.35) {
    const order = c.orders[rng.int(c.orders.length)]!;
    const at = order.orderedAt + (14 + rng.int(7)) * DAY;
    if (at < end) c.events.push({ type: 'nps_response', occurredAt: at, properties: { score: npsScore(rng, c.orders.length, c.truth.dropoutAt !== null) } });
  }

  c.events.sort((a, b) => a.occurredAt - b.occurredAt);
  return c;
}

/** Loyal, still-active customers answer higher; one-time and lapsed buyers lower. */
function npsScore(rng: Rng, orders: number, droppedOut: boolean): number {
  const mean = 6.2 + 0.5 * Math.min(orders, 5) - (droppedOut ? 1.2 : 0);
  return Math.max(0, Math.min(10, Math.round(mean + 1.8 * rng.normal())));
}

function addPurchase(c: DemoCustomer, rng: Rng, at: number, items: readonly Product[]): void {
  const t = Math.floor(at);
  // Browse each product and put it in the cart shortly before checking out.
  for (const item of items) {
    c.events.push({ type: 'page_view', occurredAt: t - (10 + rng.int(20)) * MINUTE, properties: { product_id: item.id, category: item.category } });
    c.events.push({ type: 'cart_add', occurredAt: t - (1 + rng.int(8)) * MINUTE, properties: { product_id: item.id, price: item.price } });
  }
  const amount = Math.round(items.reduce((s, p) => s + p.price, 0) * 100) / 100;
  c.orders.push({ orderId: `${c.externalId}-${c.orders.length + 1}`, orderedAt: t, amount, quantity: items.length, items: items.map((p) => p.id) });
}

/** One or two products, mostly from the favourite category; popular products come up more often. */
function pickItems(rng: Rng, favourite: string): Product[] {
  const count = rng.next() < 0.7 ? 1 : 2;
  const out: Product[] = [];
  for (let k = 0; k < count; k++) {
    const category = rng.next() < 0.75 ? favourite : CATEGORIES[rng.int(CATEGORIES.length)]!;
    const pool = productsByCategory.get(category) ?? PRODUCTS;
    const item = pool[Math.floor(rng.next() ** 1.5 * pool.length)]!;
    if (!out.includes(item)) out.push(item);
  }
  return out;
}

function pickRegion(rng: Rng): (typeof REGIONS)[number] {
  let u = rng.next() * REGION_WEIGHT;
  for (const r of REGIONS) {
    u -= r.weight;
    if (u < 0) return r;
  }
  return REGIONS[0];
}
