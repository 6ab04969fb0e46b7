import { parseDuration } from '../core/duration.ts';
import type { CustomerProfile } from '../plugin/define-node.ts';
import type { Storage } from '../storage/types.ts';

export interface FrequencyCap {
  /** Most capped (marketing) emails one customer may get within `window` (e.g. `7d`), across all journeys. */
  max: number;
  window: string;
}

/**
 * The backstop against a journey that loops (e.g. a cycle through a 0-second wait): most
 * emails of any kind, transactional included, one customer may get within `window`.
 */
export type SendRateLimit = FrequencyCap;

/**
 * Why an email must not go to this customer now, or null when it may.
 * Checked at delivery, not when the journey enqueued it, so an unsubscribe
 * or a suppression that arrives in between is honoured.
 */
export async function whyNotSend(
  storage: Storage,
  customer: CustomerProfile | null,
  opts: { now: Date; capped: boolean; cap: FrequencyCap | null; rate?: SendRateLimit | null },
): Promise<string | null> {
  if (!customer) return 'customer no longer exists';
  if (!customer.email) return 'customer has no email address';
  if (customer.unsubscribed) return 'customer unsubscribed';
  if (customer.consent.email === false) return 'no email consent';
  const suppressed = await storage.suppressions.get(customer.email);
  if (suppressed) return `address suppressed (${suppressed.reason})`;
  if (opts.rate) {
    const sent = await storage.sends.countAll(customer.id, opts.now.getTime() - parseDuration(opts.rate.window, 'send rate window'));
    if (sent >= opts.rate.max) return `send rate limit: ${sent} emails to this customer in the last ${opts.rate.window} (max ${opts.rate.max}); is a journey looping?`;
  }
  if (opts.capped && opts.cap) {
    const sent = await storage.sends.countCapped(customer.id, opts.now.getTime() - parseDuration(opts.cap.window, 'frequency cap window'));
    if (sent >= opts.cap.max) return `frequency cap: ${sent} marketing emails in the last ${opts.cap.window} (max ${opts.cap.max})`;
  }
  return null;
}
