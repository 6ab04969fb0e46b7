import { applyDefaults } from '../plugin/fields.ts';
import type { CustomerProfile, NodeContext, NodeDefinition } from '../plugin/define-node.ts';
import type { NodeServices } from '../plugin/services.ts';
import { seededRandom } from '../core/hash.ts';
import { renderText } from '../messaging/render.ts';

/**
 * A node context for unit-testing a node's `run` directly: defaults applied,
 * services that fail loudly unless the test provides them (`render` is the real one).
 *
 * @example
 * const ctx = nodeContext(waitDelay, { duration: '1d' }, { now: new Date('2024-01-01') });
 * expect(await waitDelay.run(ctx)).toMatchObject({ wait: { timeoutPort: 'next' } });
 */
export function nodeContext<C>(
  def: NodeDefinition<C>,
  config: Record<string, unknown>,
  opts: { now?: Date; customer?: Partial<CustomerProfile>; state?: Record<string, unknown>; services?: Partial<NodeServices>; wake?: NodeContext['wake']; event?: NodeContext['event']; mode?: NodeContext['mode'] } = {},
): NodeContext<C> {
  const now = opts.now ?? new Date('2024-01-01T00:00:00Z');
  const missing = (name: string) => () => {
    throw new Error(`test did not provide services.${name}`);
  };
  return {
    now,
    mode: opts.mode ?? 'live',
    config: applyDefaults(def.fields, config) as C,
    node: { id: 'n1', type: def.type },
    run: { id: 1, journeyId: 'j', version: 1, visit: 1, enteredAt: now, nodeEnteredAt: now },
    customer: { id: 1, externalId: 'c1', email: 'c1@example.com', attributes: {}, timezone: null, consent: {}, unsubscribed: false, createdAt: now, ...opts.customer },
    state: opts.state ?? {},
    event: opts.event,
    wake: opts.wake,
    random: seededRandom(1),
    services: {
      enqueue: missing('enqueue'),
      updateProfile: missing('updateProfile'),
      orders: missing('orders'),
      countEvents: missing('countEvents'),
      lastEventAt: missing('lastEventAt'),
      scores: missing('scores'),
      nextPurchase: missing('nextPurchase'),
      inSegment: missing('inSegment'),
      segment: missing('segment'),
      // Pure, so the real one: a node test sees the text a customer would.
      render: renderText,
      ...opts.services,
    } as NodeServices,
  };
}
