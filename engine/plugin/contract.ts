import { z } from 'zod';

/**
 * The plugin contract as a schema, checked when a plugin loads, so a badly
 * declared node is refused with its plugin, node type and field named rather
 * than crashing validation later with no name.
 */

/** Node categories: the palette groups nodes by them. */
export const NODE_CATEGORIES = ['trigger', 'condition', 'timing', 'action', 'flow'] as const;

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', { message: 'must be a function' });
const option = z.object({ value: z.string(), label: z.string() });
const options = z.array(option).min(1, 'a select needs at least one option: add options: [{ value, label }]');
const regex = z.string().refine(
  (p) => {
    try {
      new RegExp(p);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not a valid regular expression' },
);

const base = {
  key: z.string().min(1, 'give the field a key'),
  label: z.string().min(1, 'give the field a label'),
  help: z.string().optional(),
  required: z.boolean().optional(),
  default: z.unknown().optional(),
  adminOnly: z.boolean().optional(),
};

export const fieldContract = z.discriminatedUnion(
  'kind',
  [
    z.object({ ...base, kind: z.literal('text'), multiline: z.boolean().optional(), placeholder: z.string().optional(), pattern: regex.optional(), suggest: z.literal('segments').optional() }),
    z.object({ ...base, kind: z.literal('number'), min: z.number().optional(), max: z.number().optional(), integer: z.boolean().optional(), step: z.number().optional() }),
    z.object({ ...base, kind: z.literal('boolean') }),
    z.object({ ...base, kind: z.literal('select'), options }),
    z.object({ ...base, kind: z.literal('multiselect'), options }),
    z.object({ ...base, kind: z.literal('duration') }),
    z.object({ ...base, kind: z.literal('template'), language: z.literal('handlebars').optional(), multiline: z.boolean().optional() }),
    z.object({ ...base, kind: z.literal('filters') }),
    z.object({ ...base, kind: z.literal('json') }),
    z.object({ ...base, kind: z.literal('stringList') }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'unknown field kind; use one of: text, number, boolean, select, multiselect, duration, template, filters, json, stringList' : undefined) },
);

export const nodeContract = z
  .object({
    type: z.string().regex(/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)+$/, 'must be dotted lower camel case, e.g. "action.sms"'),
    version: z.number().int().min(1, 'must be a positive integer'),
    label: z.string().min(1, 'give the node a label'),
    category: z.enum(NODE_CATEGORIES),
    description: z.string(),
    fields: z.array(fieldContract),
    // A string would be spread into one port per letter: ask for the array.
    ports: z.union([z.array(z.string().min(1)), fn], { error: 'must be an array of port names (e.g. ["next"]) or a function of the config' }),
    run: fn,
    validate: fn.optional(),
    trigger: fn.optional(),
    holds: fn.optional(),
    migrate: fn.optional(),
    waits: z.boolean().optional(),
  })
  .superRefine((n, ctx) => {
    if (n.category === 'trigger' && !n.trigger) ctx.addIssue({ code: 'custom', path: ['trigger'], message: 'trigger nodes must declare trigger(config)' });
    const seen = new Set<string>();
    n.fields.forEach((f, i) => {
      if (seen.has(f.key)) ctx.addIssue({ code: 'custom', path: ['fields', i, 'key'], message: `field "${f.key}" is declared twice` });
      seen.add(f.key);
    });
  });

export const pluginContract = z.object({
  name: z.string().min(1).optional(),
  nodes: z.array(z.unknown(), { error: 'export default definePlugin({ nodes: [...] })' }),
  effects: z.record(z.string().min(1), fn).optional(),
});

/** Where a node problem sits: `node action.sms, field text`. */
function where(node: unknown, path: PropertyKey[]): string {
  const type = node && typeof node === 'object' && typeof (node as { type?: unknown }).type === 'string' ? (node as { type: string }).type : '(no type)';
  if (path[0] === 'fields' && typeof path[1] === 'number') {
    const fields = (node as { fields?: { key?: unknown }[] }).fields;
    const key = fields?.[path[1]]?.key;
    const name = typeof key === 'string' ? `"${key}"` : `#${path[1] + 1}`;
    const rest = path.slice(2).filter((p) => p !== 'key' || path.length > 3);
    return `node ${type}, field ${name}${rest.length ? ` (${rest.join('.')})` : ''}`;
  }
  return `node ${type}${path.length ? `, ${path.join('.')}` : ''}`;
}

/** Every contract problem of a plugin module, each naming plugin, node type and field. Empty when it conforms. */
export function checkPluginContract(plugin: unknown, pluginName: string): string[] {
  const top = pluginContract.safeParse(plugin);
  if (!top.success) return top.error.issues.map((i) => `plugin ${pluginName}: ${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`);
  const problems: string[] = [];
  top.data.nodes.forEach((node, i) => {
    const r = nodeContract.safeParse(node);
    if (r.success) return;
    for (const issue of r.error.issues) {
      const at = node && typeof node === 'object' ? where(node, issue.path) : `node #${i + 1}`;
      problems.push(`plugin ${pluginName}, ${at}: ${issue.message}`);
    }
  });
  return problems;
}
