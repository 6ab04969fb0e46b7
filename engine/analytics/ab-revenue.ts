import { BRANCH_PREFIX } from '../executor/advance.ts';
import type { Storage } from '../storage/types.ts';
import type { VariantStats } from '../../nodes/split-ab/stats.ts';

/** Below these, a comparison is noise: P(beat) and lift are withheld as "not enough data". */
export const MIN_CUSTOMERS_PER_VARIANT = 30;
export const MIN_CONVERSIONS = 5;

export interface VariantReport extends VariantStats {
  /** Orders of the variant's customers within the attribution window after they entered, and their sum. */
  orders: number;
  revenue: number;
  revenuePerCustomer: number | null;
  /** False while this variant or control has too few customers, or the two too few conversions, to compare (control: until one variant can be). */
  enoughData: boolean;
}

/** Adds revenue and the minimum-data verdict to an A/B report (pure). */
export function withRevenue(rows: VariantStats[], revenue: { variant: string; orders: number; revenue: number }[]): VariantReport[] {
  const byVariant = new Map(revenue.map((r) => [r.variant, r]));
  const control = rows.find((r) => r.isControl);
  const enough = (r: VariantStats) => {
    const pair = control ? [r, control] : [r];
    return pair.every((p) => p.runs >= MIN_CUSTOMERS_PER_VARIANT) && pair.reduce((s, p) => s + p.conversions, 0) >= MIN_CONVERSIONS;
  };
  // Control is compared with each variant: it has enough data once one comparison has.
  const anyComparable = rows.some((r) => !r.isControl && enough(r));
  return rows.map((r) => {
    const money = byVariant.get(r.variant);
    const enoughData = r.isControl ? anyComparable : enough(r);
    return { ...r, orders: money?.orders ?? 0, revenue: money?.revenue ?? 0, revenuePerCustomer: r.runs > 0 ? (money?.revenue ?? 0) / r.runs : null, enoughData };
  });
}

/** The A/B report of split `nodeId` with each variant's revenue in the window (ms). */
export async function abWithRevenue(storage: Storage, journeyId: string, nodeId: string, rows: VariantStats[], windowMs: number): Promise<VariantReport[]> {
  return withRevenue(rows, await storage.analytics.variantRevenue(journeyId, `${BRANCH_PREFIX}${nodeId}`, windowMs));
}
