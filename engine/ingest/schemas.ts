import { z } from 'zod';
import { instantProblem, isImpossibleDate, isValidTimeZone, readInstant } from '../core/time.ts';
import { hasLoneSurrogate, jsonProblem } from './limits.ts';

/** A time given as ISO 8601 text (offset-less = UTC, a bare date = 00:00 UTC), epoch milliseconds or a Date; read strictly. */
export const timeSchema = z.union([z.date(), z.number(), z.string()]).transform((v, ctx) => {
  const d = readInstant(v);
  if (!d) {
    ctx.addIssue({ code: 'custom', message: instantProblem(v) });
    return z.NEVER;
  }
  return d;
});

/** Text that must survive export and erasure: no lone UTF-16 surrogates. */
const text = () => z.string().refine((v) => !hasLoneSurrogate(v), 'contains a lone UTF-16 surrogate (broken text encoding); send valid Unicode');

/**
 * A free-form object (event properties, customer attributes) within the
 * depth and size limits; an oversize one is marked 413 for the HTTP layer.
 */
const jsonObject = () =>
  z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
    const p = jsonProblem(v);
    if (p) ctx.addIssue({ code: 'custom', path: p.path, message: p.message, params: { status: p.kind === 'size' ? 413 : 400 } });
  });

const externalId = text().trim().min(1, 'give the customer id your system uses').max(200);

export const eventTypeSchema = z
  .string()
  .min(1, 'name the event type, e.g. "cart_add"')
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits, _ . : or - (no spaces)');

export const trackFields = {
  customerId: externalId,
  type: eventTypeSchema,
  properties: jsonObject().default({}),
  occurredAt: timeSchema.optional(),
  idempotencyKey: text().min(1).max(200).optional(),
};

/** Attributes written as dates must be real ones: `trigger.date` and segments would never match `2024-02-30`. */
const attributesSchema = () =>
  jsonObject().superRefine((attrs, ctx) => {
    for (const [key, v] of Object.entries(attrs)) {
      if (isImpossibleDate(v)) ctx.addIssue({ code: 'custom', path: [key], message: `${JSON.stringify(v)} is not a real date; write it as 1990-05-17 (or --05-17 without a year)` });
    }
  });

/**
 * An object that refuses fields it does not know, naming them and the ones it takes: a misspelt
 * or misplaced field (a trait outside `attributes`) would otherwise vanish without a word.
 */
export function strictFields<T extends z.core.$ZodLooseShape>(shape: T) {
  const fields = Object.keys(shape).join(', ');
  const hint = 'attributes' in shape ? ' (put your own traits in attributes)' : 'properties' in shape ? ' (put your own data in properties)' : '';
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field ${iss.keys.map((k) => JSON.stringify(k)).join(', ')}; the fields are ${fields}${hint}` : undefined),
  });
}

export const trackSchema = strictFields(trackFields);

export const identifyFields = {
  customerId: externalId,
  email: z.email('not a valid email address').nullable().optional(),
  attributes: attributesSchema().optional(),
  timezone: z
    .string()
    .refine(isValidTimeZone, 'not an IANA time zone; use e.g. "Europe/Berlin" or "America/New_York"')
    .nullable()
    .optional(),
  consent: z.record(z.string(), z.boolean()).optional(),
};

export const identifySchema = strictFields(identifyFields);

export const orderFields = {
  customerId: externalId,
  orderId: text().trim().min(1, 'give the order id').max(200),
  orderedAt: timeSchema,
  amount: z.number({ error: 'must be a number, e.g. 29.90' }).finite().nonnegative('must not be negative'),
  quantity: z.number().int('must be a whole number').positive().default(1),
  items: z.array(text()).default([]),
};

export const orderSchema = strictFields(orderFields);

export type TrackInput = z.input<typeof trackSchema>;
export type IdentifyInput = z.input<typeof identifySchema>;
export type OrderInputExternal = z.input<typeof orderSchema>;
