import { defineNode } from '../../engine/plugin/define-node.ts';
import { FILTER_OPS, getPath, matchesFilter, type FilterOp } from '../../engine/core/filter.ts';

interface Config {
  attribute: string;
  op: FilterOp;
  value?: string;
}

const OP_LABELS: Record<FilterOp, string> = {
  eq: 'is',
  ne: 'is not',
  gt: 'is greater than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  contains: 'contains',
  exists: 'is set',
  not_exists: 'is not set',
};

/** Branches on a profile attribute (plan, country, tags, email …). */
export default defineNode<Config>({
  type: 'condition.attribute',
  version: 1,
  label: 'Profile attribute',
  category: 'condition',
  description: 'Sends the customer down "yes" when a profile attribute matches, otherwise "no".',
  fields: [
    { key: 'attribute', label: 'Attribute', kind: 'text', required: true, placeholder: 'country', help: 'A profile attribute (dotted for nested ones), or email / timezone.' },
    { key: 'op', label: 'Test', kind: 'select', required: true, default: 'eq', options: FILTER_OPS.map((o) => ({ value: o, label: OP_LABELS[o] })) },
    { key: 'value', label: 'Value', kind: 'text' },
  ],
  ports: ['yes', 'no'],
  validate: (c) => (c.op !== 'exists' && c.op !== 'not_exists' && (c.value === undefined || c.value === '') ? [{ field: 'value', message: `Value is required for "${OP_LABELS[c.op]}"` }] : []),
  run: (ctx) => {
    const { customer, config } = ctx;
    const subject = { ...customer.attributes, email: customer.email, timezone: customer.timezone, externalId: customer.externalId };
    const yes = matchesFilter(subject, { path: config.attribute, op: config.op, value: config.value });
    return { next: yes ? 'yes' : 'no', trace: { attribute: config.attribute, actual: getPath(subject, config.attribute) ?? null, op: config.op, value: config.value ?? null } };
  },
});
