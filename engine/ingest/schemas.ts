import { z } from 'zod';
import { INSTANT_FORMS, isValidTimeZone, readInstant } from '../core/time.ts';
import { hasLoneSurrogate, jsonProblem } from './limits.ts';

/** A time given as ISO 8601 text (offset-less = UTC, a bare date = 00:00 UTC), epoch milliseconds or a Date; read strictly. */
export const timeSchema = z.union([z.date(), z.number(), z.string()]).transform((v, ctx) => {
  const d = readInstant(v);
  if (!d) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a valid time; ${INSTANT_FORMS}` });
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

export const trackSchema = z.object({
  customerId: externalId,
  type: eventTypeSchema,
  properties: jsonObject().default({}),
  occurredAt: timeSchema.optional(),
  idempotencyKey: text().min(1).max(200).optional(),
});

export const identifySchema = z.object({
  customerId: externalId,
  email: z.email('not a valid email address').nullable().optional(),
  attributes: jsonObject().optional(),
  timezone: z
    .string()
    .refine(isValidTimeZone, 'not an IANA time zone; use e.g. "Europe/Berlin" or "America/New_York"')
    .nullable()
    .optional(),
  consent: z.record(z.string(), z.boolean()).optional(),
});

export const orderSchema = z.object({
  customerId: externalId,
  orderId: text().trim().min(1, 'give the order id').max(200),
  orderedAt: timeSchema,
  amount: z.number({ error: 'must be a number, e.g. 29.90' }).finite().nonnegative('must not be negative'),
  quantity: z.number().int('must be a whole number').positive().default(1),
  items: z.array(text()).default([]),
});

export type TrackInput = z.input<typeof trackSchema>;
export type IdentifyInput = z.input<typeof identifySchema>;
export type OrderInputExternal = z.input<typeof orderSchema>;
