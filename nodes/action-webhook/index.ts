import { parseDuration } from '../../engine/core/duration.ts';
import { defineNode } from '../../engine/plugin/define-node.ts';
import type { WebhookPayload } from './deliver.ts';

interface Config {
  url: string;
  data?: unknown;
  secret?: string;
  timeout: string;
  allowPrivate: boolean;
}

/**
 * Queues a signed JSON POST and moves on. Delivery (with retries) happens
 * from the outbox; the body is the customer and run as of this step plus
 * the configured `data`.
 */
export const actionWebhook = defineNode<Config>({
  type: 'action.webhook',
  version: 1,
  label: 'Webhook',
  category: 'action',
  description: 'POSTs the customer and journey context as JSON to a URL, signed with HMAC-SHA256.',
  fields: [
    { key: 'url', label: 'URL', kind: 'text', required: true, pattern: '^https?://[^\\s/]+', placeholder: 'https://hooks.example.com/foresight' },
    { key: 'data', label: 'Extra data', kind: 'json', help: 'Sent as "data" in the body.' },
    { key: 'secret', label: 'Signing secret', kind: 'text', help: 'Signs X-Foresight-Signature; defaults to FORESIGHT_SECRET.' },
    { key: 'timeout', label: 'Timeout', kind: 'duration', default: '10s' },
    { key: 'allowPrivate', label: 'Allow private addresses', kind: 'boolean', default: false, adminOnly: true, help: 'Permit loopback, private and link-local targets (internal services).' },
  ],
  ports: ['next'],
  validate(config) {
    try {
      new URL(config.url);
      return [];
    } catch {
      return [{ field: 'url', message: `URL: "${config.url}" is not a URL; write e.g. https://hooks.example.com/foresight` }];
    }
  },
  run(ctx) {
    const c = ctx.config;
    const body = {
      type: 'journey.webhook',
      journeyId: ctx.run.journeyId,
      nodeId: ctx.node.id,
      runId: ctx.run.id,
      at: ctx.now.toISOString(),
      customer: { id: ctx.customer.externalId, email: ctx.customer.email, attributes: ctx.customer.attributes },
      state: ctx.state,
      ...(c.data === undefined ? {} : { data: c.data }),
    };
    const payload: WebhookPayload = { url: c.url, body, secret: c.secret, timeoutMs: parseDuration(c.timeout, 'timeout'), allowPrivate: c.allowPrivate };
    const key = ctx.services.enqueue('webhook', payload as unknown as Record<string, unknown>);
    return { next: 'next', trace: { delivery: key, url: c.url } };
  },
});

export default actionWebhook;
