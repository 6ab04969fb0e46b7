import { type BgnbdParams, pAlive } from './bgnbd.ts';

/**
 * Churn probability = 1 − P(alive) under BG/NBD: the posterior probability that the customer
 * has already dropped out, given frequency and recency. Chosen over a separately trained
 * classifier because "has left" is unobservable — there are no churn labels to train on, while
 * BG/NBD models exactly that latent state. Caveat of the model: someone with a single purchase
 * (x = 0) cannot have dropped out yet, so their churn probability is 0; "no purchase for a long
 * time" is caught by the lifecycle stage (lapsed) and by the purchase propensity instead.
 */

/**
 * @example churnProbability({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 2, 30.43, 38.86) // ≈ 0.273
 */
export function churnProbability(params: BgnbdParams, x: number, tx: number, T: number): number {
  return 1 - pAlive(params, x, tx, T);
}
