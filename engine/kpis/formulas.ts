import type { EmailFacts, NpsFacts, OrderFacts } from '../storage/types.ts';

/**
 * The lifecycle KPIs of the source documents as pure functions of aggregated facts.
 * Each KPI carries its formula (shown on hover in the builder, listed in the README)
 * and its numerator and denominator, so a value can always be checked by hand.
 */
export interface Kpi {
  key: string;
  label: string;
  formula: string;
  /** null when the denominator is 0 (nothing to measure yet). */
  value: number | null;
  /** Shown as a percentage, money or a plain number. */
  unit: 'percent' | 'money' | 'number' | 'ratio';
  numerator: number;
  denominator: number;
  /** Set when the value is below a healthy threshold (CLV:CAC under 3). */
  warning?: string;
}

const ratio = (n: number, d: number) => (d === 0 ? null : n / d);
const kpi = (key: string, label: string, formula: string, unit: Kpi['unit'], numerator: number, denominator: number, scale = 1): Kpi => {
  const v = ratio(numerator, denominator);
  return { key, label, formula, unit, numerator, denominator, value: v === null ? null : v * scale };
};

/** Retention, churn, repeat purchase rate, AOV, revenue per customer, purchase frequency and historic CLV. */
export function orderKpis(f: OrderFacts): Kpi[] {
  const customersAtEnd = f.buyers;
  return [
    kpi('retention', 'Customer retention rate', '(customers at end − new in period) ÷ customers at start; customers at end = buyers in the period, at start = customers with an earlier order', 'percent', customersAtEnd - f.newCustomers, f.customersAtStart),
    kpi('churn', 'Churn rate', 'customers at start who did not buy again in the period ÷ customers at start (= 1 − retention)', 'percent', f.customersAtStart - f.returningCustomers, f.customersAtStart),
    kpi('repeatRate', 'Repeat purchase rate', 'buyers with ≥ 2 orders in the period ÷ buyers in the period', 'percent', f.repeatBuyers, f.buyers),
    kpi('aov', 'Average order value', 'revenue ÷ orders in the period', 'money', f.revenue, f.orders),
    kpi('revenuePerCustomer', 'Revenue per customer', 'revenue ÷ buyers in the period', 'money', f.revenue, f.buyers),
    kpi('frequency', 'Purchase frequency', 'orders ÷ buyers in the period', 'number', f.orders, f.buyers),
    kpi('clvHistoric', 'CLV (historic)', 'all revenue until the period end ÷ customers with an order until then', 'money', f.lifetimeRevenue, f.lifetimeCustomers),
  ];
}

/** Predicted CLV (mean of the models' CLV scores) and CLV:CAC with CAC = acquisition spend ÷ new customers. */
export function valueKpis(input: { clvHistoric: number | null; clvPredicted: { customers: number; average: number | null }; acquisitionSpend?: number; newCustomers: number }): Kpi[] {
  const predicted = input.clvPredicted;
  const out: Kpi[] = [
    { key: 'clvPredicted', label: 'CLV (predicted)', formula: "mean of the models' predicted CLV over scored customers", unit: 'money', value: predicted.average, numerator: (predicted.average ?? 0) * predicted.customers, denominator: predicted.customers },
  ];
  if (input.acquisitionSpend === undefined) return out;
  const cac = kpi('cac', 'CAC', 'acquisition spend ÷ new customers in the period', 'money', input.acquisitionSpend, input.newCustomers);
  // Predicted CLV when the models have run, else what customers have spent so far.
  const clv = predicted.average ?? input.clvHistoric;
  const clvToCac = clv === null || cac.value === null ? kpi('clvToCac', 'CLV:CAC', 'CLV ÷ CAC (healthy at 3 or more)', 'ratio', 0, 0) : kpi('clvToCac', 'CLV:CAC', 'CLV ÷ CAC (healthy at 3 or more)', 'ratio', clv, cac.value);
  if (clvToCac.value !== null && clvToCac.value < 3) clvToCac.warning = 'below 3: acquisition costs more than the customers it brings are likely to return';
  return [...out, cac, clvToCac];
}

export function npsKpi(n: NpsFacts): Kpi {
  const answers = n.promoters + n.passives + n.detractors;
  return kpi('nps', 'Net Promoter Score', '(promoters 9–10 − detractors 0–6) ÷ answers × 100; passives 7–8 count as answers only', 'number', n.promoters - n.detractors, answers, 100);
}

export function emailKpis(e: EmailFacts): Kpi[] {
  return [
    kpi('openRate', 'Email open rate', 'messages opened ÷ messages sent', 'percent', e.opened, e.sent),
    kpi('ctr', 'Email click-through rate', 'messages clicked ÷ messages opened', 'percent', e.clicked, e.opened),
    kpi('conversion', 'Email conversion', 'clickers who ordered after their first click ÷ clickers', 'percent', e.converted, e.clickers),
  ];
}
