import { defineNode } from '../../engine/plugin/define-node.ts';
import type { EmailPayload } from '../../engine/messaging/send.ts';
import { senderProblem } from '../../engine/messaging/sender.ts';

/**
 * Queues an email and moves on at once. Delivery happens from the outbox
 * (exactly once per run, node and visit): consent, unsubscribe, suppression
 * and the frequency cap are checked then, and a mail that may not go is
 * recorded as skipped with the reason. The config is the outbox payload:
 * templates are rendered at delivery, with the customer's data as it is then.
 */
export const actionEmail = defineNode<EmailPayload>({
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
    { key: 'from', label: 'From', kind: 'text', help: 'Overrides FORESIGHT_MAIL_FROM, e.g. "Shop <news@shop.example>".' },
  ],
  ports: ['next'],
  // Template syntax is checked with the fields (kind: 'template').
  validate: (config) => {
    const from = config.from ? senderProblem(config.from) : null;
    return from ? [{ field: 'from', message: `from: ${from}` }] : [];
  },
  run(ctx) {
    const c = ctx.config;
    const payload: EmailPayload = { subject: c.subject, html: c.html, text: c.text, category: c.category, transactional: c.transactional, from: c.from };
    const key = ctx.services.enqueue('email', payload as unknown as Record<string, unknown>);
    return { next: 'next', trace: { message: key, category: c.category } };
  },
});

export default actionEmail;
