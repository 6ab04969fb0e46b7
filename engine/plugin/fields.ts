import { z } from 'zod';
import { filterSchema } from '../core/filter.ts';
import { durationSchema } from '../core/duration.ts';
import { templateError } from '../messaging/render.ts';

/**
 * Config fields are plain, serialisable data: the builder renders a form from
 * them, the validator derives a schema from them, and the node reads the
 * resulting config. One declaration, three readers.
 */
interface FieldBase {
  key: string;
  label: string;
  help?: string;
  required?: boolean;
  default?: unknown;
  /**
   * Only an admin may set it away from its default, or change a node where it
   * is set (e.g. a switch that lowers a security guard). Checked by the API
   * when a builder user saves or publishes a journey.
   */
  adminOnly?: boolean;
}

/** Names the builder offers while typing a text field; free text is still allowed. */
export type Suggest = 'segments';

/** One config field: `key`, `label`, `kind` and the kind's options. The builder renders it, the validator checks it. */
export type Field =
  | (FieldBase & { kind: 'text'; multiline?: boolean; placeholder?: string; pattern?: string; suggest?: Suggest })
  | (FieldBase & { kind: 'number'; min?: number; max?: number; integer?: boolean; step?: number })
  | (FieldBase & { kind: 'boolean' })
  | (FieldBase & { kind: 'select'; options: { value: string; label: string }[] })
  | (FieldBase & { kind: 'multiselect'; options: { value: string; label: string }[] })
  | (FieldBase & { kind: 'duration' })
  | (FieldBase & { kind: 'template'; language?: 'handlebars'; multiline?: boolean })
  | (FieldBase & { kind: 'filters' })
  | (FieldBase & { kind: 'json' })
  | (FieldBase & { kind: 'stringList' });

/** The field kinds: text, number, boolean, select, multiselect, duration, template, filters, json, stringList. */
export type FieldKind = Field['kind'];


function baseSchema(field: Field): z.ZodType {
  switch (field.kind) {
    case 'text': {
      let s = z.string();
      if (field.required) s = s.min(1, 'must not be empty');
      if (field.pattern) s = s.regex(new RegExp(field.pattern), `must match ${field.pattern}`);
      return s;
    }
    case 'template': {
      // Every template field is checked here, so a plugin needs no Handlebars of its own to validate one.
      const s = field.required ? z.string().min(1, 'must not be empty') : z.string();
      return s.superRefine((v, ctx) => {
        const error = templateError(v);
        if (error) ctx.addIssue({ code: 'custom', message: error });
      });
    }
    case 'number': {
      let n = field.integer ? z.number().int('must be a whole number') : z.number();
      if (field.min !== undefined) n = n.min(field.min, `must be at least ${field.min}`);
      if (field.max !== undefined) n = n.max(field.max, `must be at most ${field.max}`);
      return n;
    }
    case 'boolean':
      return z.boolean();
    case 'select': {
      const values = field.options.map((o) => o.value);
      return z.string().refine((v) => values.includes(v), { message: `use one of: ${values.join(', ')}` });
    }
    case 'multiselect': {
      const values = field.options.map((o) => o.value);
      return z.array(z.string().refine((v) => values.includes(v), { message: `use values from: ${values.join(', ')}` }));
    }
    case 'duration':
      return durationSchema;
    case 'filters':
      return z.array(filterSchema);
    case 'stringList':
      return z.array(z.string());
    case 'json':
      return z.unknown();
  }
}

/** Schema for one field: required fields must be present; optional ones may be absent. */
export function fieldSchema(field: Field): z.ZodType {
  const s = baseSchema(field);
  return field.required && field.default === undefined ? s : s.optional();
}

/** Fills defaults for absent keys. Pure: returns a new object. */
export function applyDefaults(fields: readonly Field[], config: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(config ?? {}) };
  for (const f of fields) {
    if (out[f.key] === undefined && f.default !== undefined) out[f.key] = structuredClone(f.default);
  }
  return out;
}

/** A problem with one field of a config, as `validate()` returns it. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Checks a config against declared fields; reports every problem, not just the first. */
export function checkFields(fields: readonly Field[], config: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const known = new Set(fields.map((f) => f.key));
  for (const f of fields) {
    const value = config[f.key];
    if (value === undefined) {
      if (f.required && f.default === undefined) problems.push({ field: f.key, message: `${f.label} is required` });
      continue;
    }
    const r = fieldSchema(f).safeParse(value);
    if (!r.success) {
      for (const issue of r.error.issues) {
        const sub = issue.path.length ? `${f.key}.${issue.path.join('.')}` : f.key;
        problems.push({ field: sub, message: `${f.label}: ${issue.message}` });
      }
    }
  }
  for (const key of Object.keys(config)) {
    if (!known.has(key)) problems.push({ field: key, message: `unknown setting "${key}"; this node accepts: ${[...known].join(', ') || 'no settings'}` });
  }
  return problems;
}
