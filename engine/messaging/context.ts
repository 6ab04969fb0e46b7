import type { CustomerProfile } from '../plugin/define-node.ts';
import type { ScoreRecord } from '../storage/types.ts';

/**
 * What an email template sees:
 * - `customer`: attributes plus `id` (external id), `email`, `timezone`
 * - `scores.<model>`: the model's value (`scores.churn`), `models.<model>`: value plus stored data
 *   (`models.lifecycle.stage`)
 * - `recommendations`: the items stored by the `recommendations` model
 * - `links.unsubscribe`: the signed unsubscribe URL (added by the sender)
 */
export function emailContext(customer: CustomerProfile, scores: ScoreRecord[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const recommendations = scores.find((s) => s.model === 'recommendations')?.data.items;
  return {
    customer: { ...customer.attributes, id: customer.externalId, email: customer.email, timezone: customer.timezone },
    scores: Object.fromEntries(scores.map((s) => [s.model, s.value])),
    models: Object.fromEntries(scores.map((s) => [s.model, { ...s.data, value: s.value }])),
    recommendations: Array.isArray(recommendations) ? recommendations : [],
    ...extra,
  };
}
