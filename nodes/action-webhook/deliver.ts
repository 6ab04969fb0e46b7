import { createHmac } from 'node:crypto';
import { errorMessage } from '../../engine/core/errors.ts';
import type { EffectHandler, EffectOutcome } from '../../engine/plugin/services.ts';
import { guardedRequest, isRefused, retryableStatus } from '../../engine/net/http.ts';

export interface WebhookOptions {
  /** Signs requests when the node has no secret of its own (FORESIGHT_SECRET). */
  secret?: string;
  /** Allow private, loopback and link-local targets for every webhook (FORESIGHT_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate?: boolean;
}

/** What `action.webhook` puts in the outbox. */
export interface WebhookPayload {
  url: string;
  body: Record<string, unknown>;
  secret?: string;
  timeoutMs: number;
  allowPrivate: boolean;
}

/**
 * `X-Foresight-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * The timestamp inside the signed text lets receivers reject replays.
 */
export function signatureHeader(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** The `webhook` effect: POSTs the JSON body, signed, to a public address. */
export function createWebhookEffect(options: WebhookOptions): EffectHandler {
  return async (item, ctx): Promise<EffectOutcome> => {
    const p = item.payload as unknown as WebhookPayload;
    const secret = p.secret || options.secret;
    if (!secret) return { status: 'failed', reason: 'no signing secret: set the node\'s secret or FORESIGHT_SECRET' };
    const url = new URL(p.url);
    const allowPrivate = p.allowPrivate || Boolean(options.allowPrivate);
    const body = JSON.stringify(p.body);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Foresight-Webhook/1',
      // Receivers can drop repeats: a retried delivery keeps its id.
      'x-foresight-delivery': item.key,
      'x-foresight-signature': signatureHeader(secret, body, ctx.now),
    };
    try {
      const { status } = await guardedRequest(url, { method: 'POST', headers, body, timeoutMs: p.timeoutMs, allowPrivate });
      if (status >= 200 && status < 300) return { status: 'sent', detail: { status } };
      return retryableStatus(status) ? { status: 'retry', reason: `HTTP ${status}` } : { status: 'failed', reason: `HTTP ${status} from ${url.host}` };
    } catch (err) {
      if (isRefused(err)) return { status: 'failed', reason: `refused: ${errorMessage(err)}; allow private addresses in the node or with FORESIGHT_WEBHOOK_ALLOW_PRIVATE=true` };
      return { status: 'retry', reason: `request failed: ${errorMessage(err)}` };
    }
  };
}
