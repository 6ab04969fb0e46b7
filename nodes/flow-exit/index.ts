import { defineNode } from '../../engine/plugin/define-node.ts';

interface Config {
  reason: string;
}

/** Ends the journey for the customer, recording why. */
export default defineNode<Config>({
  type: 'flow.exit',
  version: 1,
  label: 'Exit',
  category: 'flow',
  description: 'Ends the journey for this customer.',
  fields: [{ key: 'reason', label: 'Reason', kind: 'text', default: 'done' }],
  ports: [],
  run: (ctx) => ({ exit: ctx.config.reason }),
});
