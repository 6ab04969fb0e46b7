import { errorMessage } from '../core/errors.ts';
import type { EffectOutcome, EngineEffectContext, EngineEffectHandler, OutboxItem } from '../plugin/services.ts';
import { brandSender } from '../brand/brand.ts';
import { checkBudget, type MessageBudget, type OverBudget } from './budget.ts';
import type { CustomerProfile } from '../plugin/define-node.ts';
import { decorateHtml, decorateText, isTestMessage, MessageLinks, TEST_MESSAGE_PREFIX, templateOrigins } from './links.ts';
import { messageData } from './message-data.ts';
import { whyNotSend, type FrequencyCap, type SendRateLimit } from './policy.ts';
import { renderEmail } from './render.ts';
import { parseSender, senderProblem } from './sender.ts';
import { classifySmtpError, type MailTransport, type SmtpFailure } from './transport.ts';

export interface MailOptions {
  transport?: MailTransport;
  /** Default sender, e.g. `Shop <news@shop.example>`. */
  from?: string;
  /** Base URL the tracking router is reachable at (it is mounted at `/t`). */
  publicUrl?: string;
  /** Signs unsubscribe, open and click links. */
  secret?: string;
  frequencyCap?: FrequencyCap | null;
  /** Most emails of any kind per customer per window: a looping journey stops here. */
  sendRate?: SendRateLimit | null;
  /** Marketing emails per customer per window shared by all journeys; higher `settings.priority` wins it. */
  messageBudget?: MessageBudget | null;
}

/** What `action.email` puts in the outbox: the templates, rendered only at delivery. */
export interface EmailPayload extends OverBudget {
  subject: string;
  html: string;
  text?: string;
  category: string;
  /** Transactional mail is exempt from the frequency cap. */
  transactional: boolean;
  from?: string;
  /** Held out of this message by the node's holdout: never sent, recorded as skipped (`holdout`). */
  holdout?: boolean;
}

/** Settings any mail needs to be delivered, the sender aside (a node or the brand may supply that). */
export function missingDeliverySettings(o: MailOptions): string[] {
  return [!o.transport && 'FORESIGHT_SMTP_URL', !o.publicUrl && 'FORESIGHT_PUBLIC_URL', !o.secret && 'FORESIGHT_SECRET'].filter((x): x is string => Boolean(x));
}

/** Everything missing before a mail can go; the sender may come from the node or the brand instead of FORESIGHT_MAIL_FROM. */
export function missingMailSettings(o: MailOptions, otherFrom?: string): string[] {
  const missing = missingDeliverySettings(o);
  if (!o.from && !otherFrom) missing.splice(o.transport ? 0 : 1, 0, 'FORESIGHT_MAIL_FROM (or the brand sender, or the node\'s From)');
  return missing;
}

function messageId(key: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'foresight.invalid';
  return `<${key.replace(/[^A-Za-z0-9.-]/g, '.')}@${domain}>`;
}

/** One message to compose and send: whose data it renders, where it goes, and how its links are keyed. */
interface Delivery {
  item: Pick<OutboxItem, 'key' | 'journeyId' | 'nodeId'>;
  payload: EmailPayload;
  customer: CustomerProfile;
  to: string;
  subjectPrefix?: string;
}

/**
 * Renders the templates with the customer's data, brand and products, adds tracking and
 * one-click unsubscribe, and hands the message to the transport. Policy (consent, caps) and the
 * send log are the caller's: a test send skips both.
 */
async function deliver(options: MailOptions, d: Delivery, ctx: EngineEffectContext): Promise<EffectOutcome> {
  const data = await messageData(ctx.storage, d.customer);
  const brandFrom = brandSender(data.brand);
  // The node's own sender stands in for a missing brand sender and FORESIGHT_MAIL_FROM.
  const missing = missingMailSettings(options, d.payload.from || brandFrom);
  if (missing.length) return { status: 'failed', reason: `email is not configured: set ${missing.join(', ')}` };
  const { transport, publicUrl, secret } = options as Required<Pick<MailOptions, 'transport' | 'publicUrl' | 'secret'>>;
  const p = d.payload;
  // Links to the shop and to catalogue products are the shop's own, like links written in the template.
  const trusted = templateOrigins(p.html, p.text, data.brand.shopUrl, ...data.products.map((x) => x.url));
  const links = new MessageLinks(publicUrl, secret, { customerId: d.customer.id, key: d.item.key, journeyId: d.item.journeyId, nodeId: d.item.nodeId }, trusted);
  const unsubscribe = links.unsubscribe;
  let rendered;
  try {
    rendered = renderEmail({ subject: p.subject, html: p.html, text: p.text }, { ...data.context, links: { unsubscribe } });
  } catch (err) {
    return { status: 'failed', reason: `template: ${errorMessage(err)}` };
  }
  // The node's own sender, then the brand's (set in the builder), then FORESIGHT_MAIL_FROM.
  const from = (p.from || brandFrom || options.from)!;
  // Checked again here: journeys published before the check, or payloads from plugins, reach the header too.
  const badFrom = senderProblem(from);
  if (badFrom) return { status: 'failed', reason: `from: ${badFrom}` };
  const subject = `${d.subjectPrefix ?? ''}${rendered.subject}`;
  try {
    await transport.sendMail({
      from: parseSender(from),
      to: d.to,
      subject,
      html: decorateHtml(rendered.html, links),
      ...(rendered.text ? { text: decorateText(rendered.text, links) } : {}),
      messageId: messageId(d.item.key, from),
      headers: {
        // RFC 2369 + RFC 8058: mail clients show an unsubscribe button that POSTs to this URL.
        'List-Unsubscribe': `<${unsubscribe}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'X-Foresight-Category': p.category,
      },
    });
  } catch (err) {
    return failedSend(classifySmtpError(err), d.to);
  }
  return { status: 'sent', detail: { to: d.to, subject, category: p.category } };
}

/**
 * The `email` effect: checks the customer may be mailed, renders the
 * templates with their data, adds tracking and one-click unsubscribe, sends
 * over SMTP and logs the send for frequency caps.
 */
export function createEmailEffect(options: MailOptions): EngineEffectHandler {
  const handler: EngineEffectHandler = async (item, ctx) => {
    const p = item.payload as unknown as EmailPayload;
    if (p.holdout) return { status: 'skipped', reason: 'holdout' };
    const capped = !p.transactional;
    const reason = await whyNotSend(ctx.storage, ctx.customer, { now: ctx.now, capped, cap: options.frequencyCap ?? null, rate: options.sendRate ?? null });
    if (reason) return { status: 'skipped', reason };
    const customer = ctx.customer!;
    if (capped && options.messageBudget) {
      const held = await checkBudget(ctx.storage, item, customer, { budget: options.messageBudget, cap: options.frequencyCap ?? null }, ctx.now, p);
      if (held) return held;
    }
    const outcome = await deliver(options, { item, payload: p, customer, to: customer.email! }, ctx);
    if (outcome.status === 'sent') await ctx.storage.sends.record({ key: item.key, customerId: customer.id, category: p.category, capped }, ctx.now.getTime());
    return outcome;
  };
  settingsOf.set(handler, options);
  return handler;
}

const settingsOf = new WeakMap<EngineEffectHandler, MailOptions>();

/**
 * What a registered email effect was configured with, so the pre-publish checklist can tell
 * "nothing would be delivered" before anything is sent. Undefined for a handler not made here.
 */
export function mailSettingsOf(handler: EngineEffectHandler | undefined): MailOptions | undefined {
  return handler ? settingsOf.get(handler) : undefined;
}

/** What the test-send effect takes: an email node's config and the address to send it to. */
export interface TestEmailPayload extends EmailPayload {
  to: string;
}

/** A customer with no data, for a test send without a chosen customer: templates show their fallbacks. */
function sampleCustomer(now: Date): CustomerProfile {
  return { id: 0, externalId: 'sample', email: null, attributes: {}, timezone: null, consent: {}, unsubscribed: false, createdAt: now };
}

/**
 * The `email.test` effect: sends an email node's message to a chosen address with a chosen
 * customer's data, through the same transport, templates and links as the real send, marked
 * "[Test]". It is not an outbox entry: no consent or frequency cap applies, nothing is logged
 * for caps or statistics, and its opens and clicks are not recorded (see isTestMessage).
 */
export function createTestEmailEffect(options: MailOptions): EngineEffectHandler {
  return async (item: OutboxItem, ctx: EngineEffectContext): Promise<EffectOutcome> => {
    const p = item.payload as unknown as TestEmailPayload;
    const to = senderProblem(p.to) === null && !p.to.includes('<') ? p.to.trim() : null;
    if (!to) return { status: 'failed', reason: `to: "${p.to}" is not an email address; write e.g. me@shop.example.org` };
    // A bounced or complaining address hurts the sender's reputation, test or not.
    const suppressed = await ctx.storage.suppressions.get(to);
    if (suppressed) return { status: 'failed', reason: `to: ${to} is suppressed (${suppressed.reason}); pick another address, or remove it from the list (DELETE /api/suppressions/:email) if that was a mistake` };
    const key = isTestMessage(item.key) ? item.key : `${TEST_MESSAGE_PREFIX}${item.key}`;
    return deliver(options, { item: { ...item, key }, payload: p, customer: ctx.customer ?? sampleCustomer(ctx.now), to, subjectPrefix: '[Test] ' }, ctx);
  };
}

/** What a failed send means for the entry; only a recipient hard bounce names the address to suppress. */
function failedSend(failure: SmtpFailure, to: string): EffectOutcome {
  switch (failure.fault) {
    case 'transient':
      return { status: 'retry', reason: failure.reason };
    case 'relay':
      return { status: 'blocked', reason: failure.reason };
    case 'recipient':
      return { status: 'failed', reason: failure.reason, bounce: to };
    case 'message':
      return { status: 'failed', reason: failure.reason };
  }
}
