import type { ServiceProviders } from '../executor/services.ts';
import type { PurchasePrediction } from '../plugin/services.ts';
import type { Storage } from '../storage/types.ts';

type NextPurchaseProvider = NonNullable<ServiceProviders['nextPurchase']>;

/**
 * The `nextPurchase` provider backed by the scoring job's stored `next_purchase` scores.
 * Answers null (the engine then uses its median-gap default) when the customer has no stored
 * prediction, or has ordered since it was made: that prediction was for a purchase that has
 * now happened, and the next nightly run will predict the one after.
 * @example new Engine({ storage, registry, clock, providers: { nextPurchase: scoredNextPurchase(storage) } })
 */
export function scoredNextPurchase(storage: Storage): NextPurchaseProvider {
  return async (customer, _now, services) => {
    const score = (await storage.scores.forCustomer(customer.id)).find((s) => s.model === 'next_purchase');
    if (!score || score.value === null) return null;
    const orders = await services.orders();
    if (orders.some((o) => o.orderedAt.getTime() > score.scoredAt)) return null;
    return toPrediction(score.data);
  };
}

function toPrediction(data: Record<string, unknown>): PurchasePrediction | null {
  const at = date(data.at);
  const low = date(data.low);
  const high = date(data.high);
  if (!at || !low || !high || typeof data.source !== 'string' || typeof data.cycleDays !== 'number') return null;
  return { at, low, high, source: data.source, cycleDays: data.cycleDays };
}

function date(v: unknown): Date | null {
  if (typeof v !== 'string') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}
