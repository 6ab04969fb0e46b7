import type { ServiceProviders } from '../executor/services.ts';
import type { PurchasePrediction } from '../plugin/services.ts';
import type { Storage } from '../storage/types.ts';

const DAY = 86_400_000;

type NextPurchaseProvider = NonNullable<ServiceProviders['nextPurchase']>;

/**
 * The `nextPurchase` provider backed by the scoring job's stored `next_purchase` scores.
 * A stored prediction with no date (not expected within the models' horizon) is passed on as
 * such. Answers null (the engine then uses its median-gap default) when the customer has no
 * stored prediction, or has ordered since it was made: that prediction was for a purchase that has
 * now happened, and the next nightly run will predict the one after.
 * @example new Engine({ storage, registry, clock, providers: { nextPurchase: scoredNextPurchase(storage) } })
 */
export function scoredNextPurchase(storage: Storage): NextPurchaseProvider {
  return async (customer, _now, services) => {
    const score = (await storage.scores.forCustomer(customer.id)).find((s) => s.model === 'next_purchase');
    if (!score) return null;
    const orders = await services.orders();
    if (orders.some((o) => o.orderedAt.getTime() > score.scoredAt)) return null;
    return toPrediction(score.data, score.scoredAt);
  };
}

function toPrediction(data: Record<string, unknown>, scoredAt: number): PurchasePrediction | null {
  if (typeof data.source !== 'string' || typeof data.cycleDays !== 'number') return null;
  const deciles = Array.isArray(data.deciles) ? data.deciles.map(date) : undefined;
  return { at: date(data.at), low: date(data.low), high: date(data.high), source: data.source, cycleDays: data.cycleDays, deciles, from: new Date(Math.floor(scoredAt / DAY) * DAY) };
}

function date(v: unknown): Date | null {
  if (typeof v !== 'string') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}
