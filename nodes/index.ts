import type { MessagingConfig } from '../engine/config.ts';
import { createEmailEffect, createTestEmailEffect, type MailOptions } from '../engine/messaging/send.ts';
import { TEST_EMAIL_EFFECT } from '../engine/messaging/test-send.ts';
import { smtpTransport, type MailTransport } from '../engine/messaging/transport.ts';
import type { NodeDefinition } from '../engine/plugin/define-node.ts';
import { NodeRegistry } from '../engine/plugin/registry.ts';
import actionEmail from './action-email/index.ts';
import actionUpdateProfile from './action-update-profile/index.ts';
import { createWebhookEffect } from './action-webhook/deliver.ts';
import actionWebhook from './action-webhook/index.ts';
import conditionAttribute from './condition-attribute/index.ts';
import conditionEvent from './condition-event/index.ts';
import conditionPropensity from './condition-propensity/index.ts';
import conditionSegment from './condition-segment/index.ts';
import flowExit from './flow-exit/index.ts';
import splitAb from './split-ab/index.ts';
import triggerDate from './trigger-date/index.ts';
import triggerEvent from './trigger-event/index.ts';
import triggerSegment from './trigger-segment/index.ts';
import waitDelay from './wait-delay/index.ts';
import waitEvent from './wait-event/index.ts';
import waitPurchaseCycle from './wait-purchase-cycle/index.ts';
import waitWindow from './wait-window/index.ts';

/** Every built-in node. They use only the public node contract, as a plugin would. */
export const builtinNodes: NodeDefinition<any>[] = [triggerEvent, triggerSegment, triggerDate, waitDelay, waitEvent, waitWindow, waitPurchaseCycle, conditionAttribute, conditionEvent, conditionSegment, conditionPropensity, splitAb, flowExit, actionEmail, actionWebhook, actionUpdateProfile];

/** Delivery settings for the built-in actions: pass `config.messaging`. Everything is optional. */
export interface BuiltinOptions extends Partial<MessagingConfig> {
  /** A ready mail transport instead of `smtpUrl` (tests, non-SMTP transports). */
  mailTransport?: MailTransport;
}

/**
 * A registry with the built-in nodes and their effect handlers. Without
 * options it still validates and runs journeys; emails are then recorded as
 * failed ("not configured") and webhooks need a node secret.
 */
export function builtinRegistry(options: BuiltinOptions = {}): NodeRegistry {
  const r = new NodeRegistry();
  for (const n of builtinNodes) r.register(n);
  const transport = options.mailTransport ?? (options.smtpUrl ? smtpTransport(options.smtpUrl) : undefined);
  const mail: MailOptions = { transport, from: options.mailFrom, publicUrl: options.publicUrl, secret: options.secret, frequencyCap: options.frequencyCap ?? null, sendRate: options.sendRate ?? null, messageBudget: options.messageBudget ?? null };
  r.registerEffect('email', createEmailEffect(mail));
  r.registerEffect(TEST_EMAIL_EFFECT, createTestEmailEffect(mail));
  r.registerEffect('webhook', createWebhookEffect({ secret: options.secret, allowPrivate: options.webhookAllowPrivate }));
  return r;
}
