import { defineNode } from '../../engine/plugin/define-node.ts';
import { hashUnit } from '../../engine/core/hash.ts';
import type { EmailPayload } from '../../engine/messaging/send.ts';
import { senderProblem } from '../../engine/messaging/sender.ts';

/**
 * Queues an email and moves on at once. Delivery happens from the outbox
 * (exactly once per run, node and visit): consent, unsubscribe, suppression
 * and the frequency cap are checked then, and a mail that may not go is
 * recorded as skipped with the reason. The config is the outbox payload:
 * templates are rendered at delivery, with the customer's data as it is then.
 */
type Config = Omit<EmailPayload, 'holdout'> & { holdout?: number };

/**
 * The customer's draw for this message's holdout, in [0, 100): hashed from journey, node and
 * customer, so the same customer is held out of this message on every visit and worker.
 */
export function messageHoldoutDraw(journeyId: string, nodeId: string, externalId: string): number {
  return hashUnit(`${journeyId}:${nodeId}:holdout:${externalId}`) * 100;
}

export const actionEmail = defineNode<Config>({
  type: 'action.email',
  version: 1,
  label: 'Send email',
  category: 'action',
  description: 'Sends a personalised email (Handlebars templates) with tracking and one-click unsubscribe.',
  fields: [
    { key: 'subject', label: 'Subject', kind: 'template', language: 'handlebars', required: true, help: 'e.g. "{{default customer.firstName "Hi"}}, your cart is waiting"' },
    {
      key: 'html',
      label: 'HTML body',
      kind: 'template',
      language: 'handlebars',
      multiline: true,
      required: true,
      help: 'Values are HTML-escaped. Data: customer.*, scores.*, models.*, recommendations, links.unsubscribe. Helpers: date, money, plural, default.',
    },
    { key: 'text', label: 'Text body', kind: 'template', language: 'handlebars', multiline: true, help: 'Plain-text alternative; the unsubscribe link is appended if missing.' },
    { key: 'category', label: 'Category', kind: 'text', default: 'marketing', pattern: '^[a-z0-9_-]+$', help: 'Groups mails in reports, e.g. winback, newsletter, receipt.' },
    { key: 'transactional', label: 'Transactional', kind: 'boolean', default: false, help: 'Exempt from the frequency cap (receipts, password resets). Consent and unsubscribe still apply.' },
    { key: 'from', label: 'From', kind: 'text', help: 'Overrides the brand sender and FORESIGHT_MAIL_FROM, e.g. "Shop <news@shop.example>".' },
    {
      key: 'holdout',
      label: 'Holdout (%)',
      kind: 'number',
      min: 0,
      max: 50,
      step: 1,
      default: 0,
      help: 'Skip this one message for this share of customers (0–50, the same customers every time) and compare their conversions and revenue with those who got it. The journey goes on for them as for everyone.',
    },
    {
      key: 'overBudget',
      label: 'When the message budget is spent',
      kind: 'select',
      options: [
        { value: 'skip', label: 'Skip this email' },
        { value: 'defer', label: 'Send it when the budget allows' },
      ],
      default: 'skip',
      help: 'With FORESIGHT_MESSAGE_BUDGET, journeys with a higher priority get the budget first; this says what happens to this email when it loses.',
    },
    { key: 'sendFromHour', label: 'Deferred: not before (hour)', kind: 'number', integer: true, min: 0, max: 23, default: 8, help: "A deferred email goes out only from this local hour (customer's time zone, UTC when unknown)." },
    { key: 'sendUntilHour', label: 'Deferred: not after (hour)', kind: 'number', integer: true, min: 1, max: 24, default: 21, help: 'A deferred email goes out only before this local hour: the rest of the day is quiet hours.' },
  ],
  ports: ['next'],
  // Template syntax is checked with the fields (kind: 'template').
  validate: (config) => {
    const from = config.from ? senderProblem(config.from) : null;
    const problems: { field: string; message: string }[] = [];
    if (from) problems.push({ field: 'from', message: `from: ${from}` });
    if (config.overBudget === 'defer' && config.sendFromHour === config.sendUntilHour) {
      problems.push({ field: 'sendUntilHour', message: 'Deferred: not after (hour): must differ from "not before" (8 to 8 leaves no time to send; for any hour use 0 to 24)' });
    }
    if (config.transactional && config.holdout) problems.push({ field: 'holdout', message: 'Holdout (%): a transactional message (a receipt, a password reset) must reach everyone; set the holdout to 0 or untick Transactional' });
    return problems;
  },
  run(ctx) {
    const c = ctx.config;
    // A held-out message is still queued, marked, so delivery records it as skipped (`holdout`) and the lift report finds it.
    const draw = c.holdout ? messageHoldoutDraw(ctx.run.journeyId, ctx.node.id, ctx.customer.externalId) : null;
    const heldOut = draw !== null && draw < c.holdout!;
    const payload: EmailPayload = { subject: c.subject, html: c.html, text: c.text, category: c.category, transactional: c.transactional, from: c.from, ...(heldOut ? { holdout: true } : {}) };
    if (c.overBudget === 'defer') Object.assign(payload, { overBudget: c.overBudget, sendFromHour: c.sendFromHour, sendUntilHour: c.sendUntilHour });
    const key = ctx.services.enqueue('email', payload as unknown as Record<string, unknown>);
    return { next: 'next', trace: { message: key, category: c.category, ...(heldOut ? { heldOut: true, holdout: c.holdout, draw } : {}) } };
  },
});

export default actionEmail;
