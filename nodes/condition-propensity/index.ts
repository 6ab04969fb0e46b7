import { defineNode } from '../../engine/plugin/define-node.ts';

export const PROPENSITY_MODELS = ['purchase', 'churn', 'engagement'] as const;

interface Config {
  model: (typeof PROPENSITY_MODELS)[number];
  high: number;
  low: number;
}

/** Branches on a predicted probability: at or above `high`, at or above `low`, below, or not scored yet. */
export default defineNode<Config>({
  type: 'condition.propensity',
  version: 1,
  label: 'Propensity',
  category: 'condition',
  description:
    'Branches on a model score between 0 and 1: "high" at or above the high threshold, "medium" at or above the low one, "low" below it, and "unknown" when the customer has no score yet.',
  fields: [
    {
      key: 'model',
      label: 'Model',
      kind: 'select',
      required: true,
      default: 'purchase',
      options: [
        { value: 'purchase', label: 'Purchase (likely to buy soon)' },
        { value: 'churn', label: 'Churn (likely to stop buying)' },
        { value: 'engagement', label: 'Engagement (likely to open and click)' },
      ],
    },
    { key: 'high', label: 'High from', kind: 'number', min: 0, max: 1, step: 0.05, default: 0.7, help: 'Scores at or above this go to "high".' },
    { key: 'low', label: 'Medium from', kind: 'number', min: 0, max: 1, step: 0.05, default: 0.3, help: 'Scores at or above this (and below "High from") go to "medium"; below it to "low".' },
  ],
  ports: ['high', 'medium', 'low', 'unknown'],
  validate: (c) => (c.low > c.high ? [{ field: 'low', message: `Medium from (${c.low}) must not be above High from (${c.high})` }] : []),
  run: async (ctx) => {
    const { model, high, low } = ctx.config;
    const s = (await ctx.services.scores())[model];
    const score = s?.value ?? null;
    const band = score === null || !Number.isFinite(score) ? 'unknown' : score >= high ? 'high' : score >= low ? 'medium' : 'low';
    return { next: band, trace: { model, score, high, low, scoredAt: s ? s.scoredAt.toISOString() : null } };
  },
});
