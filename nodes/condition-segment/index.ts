import { defineNode } from '../../engine/plugin/define-node.ts';
import { definitionProblems, evaluateSegment, type SegmentCondition } from '../../engine/segments/index.ts';

interface Config {
  segment: string;
  definition?: SegmentCondition;
}

/** Branches on segment membership: a saved segment by name, or a condition tree written in place. */
export default defineNode<Config>({
  type: 'condition.segment',
  version: 1,
  label: 'In segment',
  category: 'condition',
  description:
    'Sends the customer down "yes" when they match a segment, otherwise "no". Use a saved segment by name, or write conditions in place: ' +
    'all / any / not over attributes, event counts and recency in a window, order aggregates, lifecycle stage, value tier, RFM segment and model scores.',
  fields: [
    { key: 'segment', label: 'Saved segment', kind: 'text', suggest: 'segments', default: '', placeholder: 'vip-shoe-lovers', help: 'The name of a saved segment. Leave empty to write conditions below.' },
    {
      key: 'definition',
      label: 'Conditions',
      kind: 'json',
      help: 'A condition tree, e.g. {"all":[{"event":"viewed_category","where":[{"path":"category","op":"eq","value":"shoes"}],"within":"7d","op":"gte","value":2},{"orders":"daysSinceLast","op":"gt","value":30}]}',
    },
  ],
  ports: ['yes', 'no'],
  validate: (c) => {
    const named = typeof c.segment === 'string' && c.segment.trim() !== '';
    if (named && c.definition !== undefined) return [{ field: 'definition', message: 'use either a saved segment or conditions, not both' }];
    if (!named && c.definition === undefined) return [{ field: 'segment', message: 'name a saved segment or write conditions' }];
    return named ? [] : definitionProblems(c.definition).map((p) => ({ field: p.field ?? 'definition', message: p.message }));
  },
  run: async (ctx) => {
    const name = ctx.config.segment.trim();
    if (name) {
      const verdict = await ctx.services.segment(name);
      return { next: verdict.matched ? 'yes' : 'no', trace: { segment: name, matched: verdict.matched, checks: verdict.checks } };
    }
    const verdict = await evaluateSegment(ctx.config.definition!, { customer: ctx.customer, services: ctx.services }, ctx.now);
    return { next: verdict.matched ? 'yes' : 'no', trace: { matched: verdict.matched, checks: verdict.checks } };
  },
});
