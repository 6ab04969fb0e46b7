import { defineNode } from '../../engine/plugin/define-node.ts';

interface Config {
  set?: Record<string, unknown>;
  increment?: Record<string, number>;
  addTags?: string[];
  removeTags?: string[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Changes the customer's profile, committed atomically with the step. */
export const actionUpdateProfile = defineNode<Config>({
  type: 'action.updateProfile',
  version: 1,
  label: 'Update profile',
  category: 'action',
  description: 'Sets or increments profile attributes and adds or removes tags.',
  fields: [
    { key: 'set', label: 'Set attributes', kind: 'json', help: 'e.g. { "winback": "sent" }; null removes an attribute.' },
    { key: 'increment', label: 'Increment attributes', kind: 'json', help: 'e.g. { "emailsThisMonth": 1 }' },
    { key: 'addTags', label: 'Add tags', kind: 'stringList' },
    { key: 'removeTags', label: 'Remove tags', kind: 'stringList' },
  ],
  ports: ['next'],
  validate(config) {
    const problems: { field: string; message: string }[] = [];
    if (config.set !== undefined && !isPlainObject(config.set)) problems.push({ field: 'set', message: 'Set attributes: give an object, e.g. { "tier": "gold" }' });
    if (config.increment !== undefined) {
      if (!isPlainObject(config.increment)) problems.push({ field: 'increment', message: 'Increment attributes: give an object of numbers, e.g. { "visits": 1 }' });
      else {
        for (const [k, v] of Object.entries(config.increment)) {
          if (typeof v !== 'number' || !Number.isFinite(v)) problems.push({ field: `increment.${k}`, message: `Increment attributes: "${k}" must be a number, e.g. 1 or -1` });
        }
      }
    }
    if (!['set', 'increment', 'addTags', 'removeTags'].some((k) => {
      const v = config[k as keyof Config];
      return Array.isArray(v) ? v.length > 0 : isPlainObject(v) && Object.keys(v).length > 0;
    })) {
      problems.push({ field: 'set', message: 'Update profile: nothing to change; set an attribute, increment one, or add or remove a tag' });
    }
    return problems;
  },
  run(ctx) {
    const { set, increment, addTags, removeTags } = ctx.config;
    ctx.services.updateProfile({ set, increment, addTags, removeTags });
    return { next: 'next', trace: { set, increment, addTags, removeTags } };
  },
});

export default actionUpdateProfile;
