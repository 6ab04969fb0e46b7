import { gammaln } from 'simple-statistics';
import { type BgnbdData, type BgnbdParams, expectedPurchasesIfAlive } from './bgnbd.ts';
import { asPurchaseModel, fitByLikelihood, type FittedParams, type PurchaseModel, silenceProbability } from './purchase-model.ts';

/**
 * MBG/NBD (Batislam, Denizel & Filiztekin 2007): BG/NBD where a customer may also drop out
 * right after the first purchase, so one-time buyers are not assumed alive. Same parameters
 * r, α (purchase rate) and a, b (dropout probability) as BG/NBD.
 */

/**
 * ln L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x+1) − ln B(a, b) − (r+x) ln(α+T)
 *   + ln(1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)).
 */
export function mbgnbdRowLogLik(p: BgnbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const head = gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + gammaln(a + b) + gammaln(b + x + 1) - gammaln(b) - gammaln(a + b + x + 1);
  return head - (r + x) * Math.log(alpha + T) + softplus(deadLogOdds(p, x, tx, T));
}

function deadLogOdds(p: BgnbdParams, x: number, tx: number, T: number): number {
  return Math.log(p.a / (p.b + x)) + (p.r + x) * Math.log1p((T - tx) / (p.alpha + tx));
}

/** @example mbgnbdPAlive(params, 0, 0, 38.86) // < 1: a one-time buyer may have left */
export function mbgnbdPAlive(p: BgnbdParams, x: number, tx: number, T: number): number {
  return 1 / (1 + Math.exp(deadLogOdds(p, x, tx, T)));
}

/** Expected purchases in (T, T + t]: P(alive) times the BG/NBD alive-customer formula with b + 1. */
export function mbgnbdExpectedPurchases(p: BgnbdParams, x: number, tx: number, T: number, t: number): number {
  return mbgnbdPAlive(p, x, tx, T) * expectedPurchasesIfAlive({ ...p, b: p.b + 1 }, x, T, t);
}

/** Maximum-likelihood MBG/NBD fit. */
export function fitMbgnbd(data: BgnbdData): FittedParams<BgnbdParams> {
  let s = 0;
  for (let i = 0; i < data.T.length; i++) s += data.T[i]!;
  const meanT = data.T.length > 0 ? s / data.T.length : 1;
  return fitByLikelihood<BgnbdParams & Record<string, number>>('MBG/NBD', data, ['r', 'alpha', 'a', 'b'], mbgnbdRowLogLik, [0.5, Math.max(meanT, 1e-3) / 4, 1, 2]);
}

/** The fitted MBG/NBD as a PurchaseModel. */
export function mbgnbdModel(fit: FittedParams<BgnbdParams>): PurchaseModel {
  const p = fit.params;
  return asPurchaseModel('mbgnbd', fit, {
    pAlive: (x, tx, T) => mbgnbdPAlive(p, x, tx, T),
    expectedPurchases: (x, tx, T, t) => mbgnbdExpectedPurchases(p, x, tx, T, t),
    probabilityNoPurchase: silenceProbability(mbgnbdRowLogLik, p),
  });
}

function softplus(v: number): number {
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}
