import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { ForesightError } from '../core/errors.ts';
import { toProfile } from '../executor/engine.ts';
import { defaultHttpService } from '../net/http.ts';
import type { NodeRegistry } from '../plugin/registry.ts';
import type { Storage } from '../storage/types.ts';
import type { TestEmailPayload } from './send.ts';
import { TEST_MESSAGE_PREFIX } from './links.ts';

/** The registry's test-send effect (registered by the built-in nodes). */
export const TEST_EMAIL_EFFECT = 'email.test';

export interface TestSendRequest {
  journeyId: string;
  nodeId: string;
  /** Where the test goes. */
  to: string;
  /** Whose data the message renders with (external id); without one, templates show their fallbacks. */
  customerId?: string;
}

interface GraphLike {
  nodes?: { id: string; type: string; config?: Record<string, unknown> }[];
}

/**
 * Sends one email node of a journey's draft (what the marketer is editing) to a chosen address,
 * through the real mail transport. Throws `test_send_failed` with the transport's or template's
 * own reason, so the builder can show it as it is.
 */
export async function testSend(deps: { storage: Storage; registry: NodeRegistry; clock: Clock }, req: TestSendRequest): Promise<{ to: string; subject: string }> {
  const journey = await deps.storage.journeys.get(req.journeyId);
  if (!journey) throw new ForesightError('not_found', `journey "${req.journeyId}" does not exist`, { field: 'id' });
  const node = ((journey.draft as GraphLike).nodes ?? []).find((n) => n.id === req.nodeId);
  if (!node) throw new ForesightError('not_found', `node "${req.nodeId}" is not in journey "${req.journeyId}"; save the draft first`, { field: 'nodeId' });
  if (node.type !== 'action.email') throw new ForesightError('invalid_input', `node "${req.nodeId}" is a ${node.type}; only email nodes (action.email) can be sent as a test`, { field: 'nodeId' });
  const c = node.config ?? {};
  if (typeof c.subject !== 'string' || !c.subject.trim() || typeof c.html !== 'string' || !c.html.trim()) {
    throw new ForesightError('invalid_input', `node "${req.nodeId}": write a subject and an HTML body before sending a test`, { field: typeof c.subject === 'string' && c.subject.trim() ? 'html' : 'subject' });
  }
  let customer = null;
  if (req.customerId) {
    const row = await deps.storage.customers.byExternalId(req.customerId);
    if (!row) throw new ForesightError('not_found', `customerId: no customer "${req.customerId}"; pick one from Customers or leave it empty for sample data`, { field: 'customerId' });
    customer = toProfile(row);
  }
  const handler = deps.registry.effect(TEST_EMAIL_EFFECT);
  if (!handler) throw new ForesightError('test_send_failed', 'test send is not available: this server was started without the built-in email effect', { field: 'to' });
  const payload: TestEmailPayload = {
    subject: c.subject,
    html: c.html,
    text: typeof c.text === 'string' ? c.text : undefined,
    category: typeof c.category === 'string' && c.category ? c.category : 'marketing',
    transactional: c.transactional === true,
    from: typeof c.from === 'string' && c.from.trim() ? c.from : undefined,
    to: req.to,
  };
  const item = { key: `${TEST_MESSAGE_PREFIX}${randomUUID()}`, runId: 0, journeyId: journey.id, nodeId: node.id, customerId: customer?.id ?? 0, kind: TEST_EMAIL_EFFECT, payload: payload as unknown as Record<string, unknown>, attempts: 0 };
  const outcome = await handler(item, { now: deps.clock.now(), customer, storage: deps.storage, http: defaultHttpService() });
  if (outcome.status !== 'sent') throw new ForesightError('test_send_failed', `test send failed: ${outcome.reason}`, { field: 'to' });
  return { to: String(outcome.detail?.to ?? req.to), subject: String(outcome.detail?.subject ?? '') };
}
