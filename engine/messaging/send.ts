import { errorMessage } from '../core/errors.ts';
import type { EffectOutcome, EngineEffectContext, EngineEffectHandler, OutboxItem } from '../plugin/services.ts';
import { emailContext } from './context.ts';
import { checkBudget, type MessageBudget, type OverBudget } from './budget.ts';
import { decorateHtml, decorateText, MessageLinks, templateOrigins } from './links.ts';
import { whyNotSend, type FrequencyCap, type SendRateLimit } from './policy.ts';
import { renderEmail } from './render.ts';
import { senderProblem } from './sender.ts';
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

function missingSettings(o: MailOptions): string[] {
  return [!o.transport && 'FORESIGHT_SMTP_URL', !o.from && 'FORESIGHT_MAIL_FROM', !o.publicUrl && 'FORESIGHT_PUBLIC_URL', !o.secret && 'FORESIGHT_SECRET'].filter(
    (x): x is string => Boolean(x),
  );
}

function messageId(key: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'foresight.invalid';
  return `<${key.replace(/[^A-Za-z0-9.-]/g, '.')}@${domain}>`;
}

/**
 * The `email` effect: checks the customer may be mailed, renders the
 * templates with their data, adds tracking and one-click unsubscribe, sends
 * over SMTP and logs the send for frequency caps.
 */
export function createEmailEffect(options: MailOptions): EngineEffectHandler {
  return async (item: OutboxItem, ctx: EngineEffectContext): Promise<EffectOutcome> => {
    if ((item.payload as unknown as EmailPayload).holdout) return { status: 'skipped', reason: 'holdout' };
    const missing = missingSettings(options);
    if (missing.length) return { status: 'failed', reason: `email is not configured: set ${missing.join(', ')}` };
    const { transport, publicUrl, secret } = options as Required<Pick<MailOptions, 'transport' | 'publicUrl' | 'secret' | 'from'>>;
    const p = item.payload as unknown as EmailPayload;
    const capped = !p.transactional;
    const reason = await whyNotSend(ctx.storage, ctx.customer, { now: ctx.now, capped, cap: options.frequencyCap ?? null, rate: options.sendRate ?? null });
    if (reason) return { status: 'skipped', reason };
    const customer = ctx.customer!;
    if (capped && options.messageBudget) {
      const held = await checkBudget(ctx.storage, item, customer, { budget: options.messageBudget, cap: options.frequencyCap ?? null }, ctx.now, p);
      if (held) return held;
    }
    const to = customer.email!;

    const links = new MessageLinks(publicUrl, secret, { customerId: customer.id, key: item.key, journeyId: item.journeyId, nodeId: item.nodeId }, templateOrigins(p.html, p.text));
    const unsubscribe = links.unsubscribe;
    const context = emailContext(customer, await ctx.storage.scores.forCustomer(customer.id), { links: { unsubscribe } });
    let rendered;
    try {
      rendered = renderEmail({ subject: p.subject, html: p.html, text: p.text }, context);
    } catch (err) {
      return { status: 'failed', reason: `template: ${errorMessage(err)}` };
    }
    const from = p.from || options.from!;
    // Checked again here: journeys published before the check, or payloads from plugins, reach the header too.
    const badFrom = senderProblem(from);
    if (badFrom) return { status: 'failed', reason: `from: ${badFrom}` };
    try {
      await transport.sendMail({
        from,
        to,
        subject: rendered.subject,
        html: decorateHtml(rendered.html, links),
        ...(rendered.text ? { text: decorateText(rendered.text, links) } : {}),
        messageId: messageId(item.key, from),
        headers: {
          // RFC 2369 + RFC 8058: mail clients show an unsubscribe button that POSTs to this URL.
          'List-Unsubscribe': `<${unsubscribe}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          'X-Foresight-Category': p.category,
        },
      });
    } catch (err) {
      return failedSend(classifySmtpError(err), to);
    }
    await ctx.storage.sends.record({ key: item.key, customerId: customer.id, category: p.category, capped }, ctx.now.getTime());
    return { status: 'sent', detail: { to, subject: rendered.subject, category: p.category } };
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
