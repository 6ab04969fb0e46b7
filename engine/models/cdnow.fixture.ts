import { fileURLToPath } from 'node:url';
import { featuresAt, indexOrders, type FeatureTable, type OrderIndex } from './features.ts';
import { readOrdersCsv } from './orders-csv.ts';
import type { Order } from './types.ts';

/**
 * Test fixture: the in-repo CDNOW sample at the published calibration end, loaded once per
 * test file. Paths resolve from this module, so tests run from any working directory.
 */

export const CDNOW_SAMPLE = fileURLToPath(new URL('../../examples/data/cdnow/orders_sample.csv', import.meta.url));
export const CDNOW_MASTER = fileURLToPath(new URL('../../examples/data/cdnow/orders_master.csv', import.meta.url));
export const CDNOW_SUMMARY = fileURLToPath(new URL('../../examples/data/cdnow/cdnow_customers_summary.csv', import.meta.url));
/** End of the 39-week calibration period (inclusive) and the 39-week holdout. */
export const CALIBRATION_END = new Date('1997-09-30T00:00:00Z');
export const HOLDOUT_WEEKS = 39;
/** Published estimates for the sample (FHL 2005). */
export const PUBLISHED_BGNBD = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
export const PUBLISHED_GAMMA_GAMMA = { p: 6.25, q: 3.74, gamma: 15.44 };

export interface CdnowSample {
  orders: Order[];
  index: OrderIndex;
  /** Features at the calibration end, in weeks. */
  table: FeatureTable;
}

let cached: Promise<CdnowSample> | undefined;

/**
 * Loads the CDNOW sample once.
 * @example const { table } = await loadCdnowSample(); table.n // => 2357
 */
export function loadCdnowSample(): Promise<CdnowSample> {
  cached ??= readOrdersCsv(CDNOW_SAMPLE).then(({ orders }) => {
    const index = indexOrders(orders);
    return { orders, index, table: featuresAt(index, CALIBRATION_END, 'week') };
  });
  return cached;
}
