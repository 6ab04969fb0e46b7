/**
 * Input shapes shared by the predictive models. They are deliberately plain data so the
 * engine's importers, the CSV reader and the synthetic generator can all produce them.
 */

/** One order line as the models see it; same-day orders of a customer form one purchase. */
export interface Order {
  customerId: string;
  orderId: string;
  orderedAt: Date;
  /** Order value in the shop's currency; must be finite and ≥ 0. */
  amount: number;
  quantity?: number;
  /** Product ids bought in the order (used by the recommender). */
  items?: readonly string[];
}

/** One email interaction of a customer (sends, opens and clicks drive engagement scores). */
export interface EmailEvent {
  customerId: string;
  type: 'sent' | 'open' | 'click';
  at: Date;
}

/** The unit in which x, t_x, T and horizons are expressed. */
export type TimeUnit = 'day' | 'week';
