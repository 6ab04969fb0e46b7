// Only the public entry point: the same import works inside this repository and in a plugin package of its own.
import { defineNode, definePlugin, type EffectHandler } from 'foresight/plugin';

interface Config {
  webhookUrl: string;
  message: string;
}

/** What the node queues; the effect below delivers it once. */
interface SlackPayload {
  webhookUrl: string;
  text: string;
}

/**
 * Posts a message to Slack, e.g. "VIP {{customer.first_name}} is at risk".
 * The node only renders and queues the message: the engine commits it to the
 * outbox with the step, so a crash can neither lose nor double it.
 */
export const slackMessage = defineNode<Config>({
  type: 'action.slack',
  version: 1,
  label: 'Slack message',
  category: 'action',
  description: 'Posts a message to a Slack channel through an incoming webhook, e.g. to alert the account team when a VIP is at risk of churning.',
  fields: [
    {
      key: 'webhookUrl',
      label: 'Incoming webhook URL',
      kind: 'text',
      required: true,
      pattern: '^https?://\\S+$',
      placeholder: 'https://hooks.slack.com/services/…',
      help: 'Create one in Slack under Apps → Incoming Webhooks.',
    },
    { key: 'message', label: 'Message', kind: 'template', language: 'handlebars', multiline: true, required: true, help: 'Handlebars: customer.* (profile attributes), customer.id, customer.email.' },
  ],
  // The engine checks the template's syntax (a `template` field) and renders it with its own Handlebars.
  ports: ['next'],
  run(ctx) {
    const { customer } = ctx;
    const text = ctx.services.render(ctx.config.message, { customer: { ...customer.attributes, id: customer.externalId, email: customer.email } });
    const payload: SlackPayload = { webhookUrl: ctx.config.webhookUrl, text };
    const key = ctx.services.enqueue('slack', { ...payload });
    return { next: 'next', trace: { message: key } };
  },
});

/**
 * Delivers a queued message through `ctx.http` (timeout, private-address guard). One attempt per
 * delivery: Slack's 2xx is sent, 429 and 5xx are retried by the dispatcher with back-off, other answers fail.
 */
export const deliverSlack: EffectHandler = async (item, ctx) => {
  const { webhookUrl, text } = item.payload as unknown as SlackPayload;
  let res;
  try {
    res = await ctx.http.request(webhookUrl, { body: { text }, retries: 0 });
  } catch (err) {
    return { status: 'retry', reason: `slack: ${(err as Error).message}` };
  }
  if (res.ok) return { status: 'sent', detail: { status: res.status } };
  const reason = `slack answered ${res.status}: ${res.text.slice(0, 200)}`;
  return res.status === 429 || res.status >= 500 ? { status: 'retry', reason } : { status: 'failed', reason };
};

export default definePlugin({ name: 'foresight-node-slack', nodes: [slackMessage], effects: { slack: deliverSlack } });
