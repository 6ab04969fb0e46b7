import { gammaln } from 'simple-statistics';
import { type BgnbdData, type BgnbdParams, expectedPurchasesIfAlive, fitBgnbd } from './bgnbd.ts';
import { fitByLikelihood, likelihoodModel, type FittedParams, meanAge, type PurchaseModel, purchaseSearchSpace } from './purchase-model.ts';

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

/** Maximum-likelihood MBG/NBD fit, started from the BG/NBD fit (`from`, fitted here when not given): same parameters, one more way to leave. */
export function fitMbgnbd(data: BgnbdData, from?: BgnbdParams): FittedParams<BgnbdParams> {
  const bg = from ?? fitBgnbd(data).params;
  const space = purchaseSearchSpace([bg.r, bg.alpha, bg.a, bg.b], meanAge(data), false);
  return fitByLikelihood<BgnbdParams & Record<string, number>>('MBG/NBD', data, ['r', 'alpha', 'a', 'b'], mbgnbdRowLogLik, space);
}

/** The fitted MBG/NBD as a PurchaseModel. */
export function mbgnbdModel(fit: FittedParams<BgnbdParams>): PurchaseModel {
  return likelihoodModel('mbgnbd', fit, { pAlive: mbgnbdPAlive, expectedPurchases: mbgnbdExpectedPurchases, rowLogLik: mbgnbdRowLogLik });
}

function softplus(v: number): number {
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}
