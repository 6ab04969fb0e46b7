import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../nodes/index.ts';
import { validateJourney } from './validate.ts';

const registry = builtinRegistry();

/** trigger → wait.delay(before) → wait.event(purchase, timeout) → bought | gave-up */
function journey(opts: { goal?: Record<string, unknown>; before?: string; timeout?: string; where?: unknown[]; beforeType?: string }) {
  return {
    id: 'j',
    name: 'J',
    settings: opts.goal ? { goal: opts.goal } : {},
    nodes: [
      { id: 't', type: 'trigger.event', config: { event: 'cart_add' } },
      opts.beforeType === 'wait.purchaseCycle'
        ? { id: 'pause', type: 'wait.purchaseCycle', config: {} }
        : { id: 'pause', type: 'wait.delay', config: { duration: opts.before ?? '1h' } },
      { id: 'watch', type: 'wait.event', config: { event: 'purchase', timeout: opts.timeout ?? '4h', where: opts.where ?? [] } },
      { id: 'bought', type: 'flow.exit', config: {} },
      { id: 'gave-up', type: 'flow.exit', config: {} },
    ],
    edges: [
      { id: 'e1', source: 't', sourceHandle: 'next', target: 'pause' },
      { id: 'e2', source: 'pause', sourceHandle: opts.beforeType === 'wait.purchaseCycle' ? 'due' : 'next', target: 'watch' },
      { id: 'e3', source: 'watch', sourceHandle: 'event', target: 'bought' },
      { id: 'e4', source: 'watch', sourceHandle: 'timeout', target: 'gave-up' },
    ],
  };
}

const warned = (doc: unknown) => validateJourney(doc, registry).warnings.map((w) => `${w.nodeId}.${w.field}`);

describe('goal-pre-empted branches', () => {
  it('warns when the goal event always converts the run before the wait can see it', () => {
    const v = validateJourney(journey({ goal: { event: 'purchase', within: '3d' } }), registry);
    expect(v.ok).toBe(true); // a warning never blocks publishing
    expect(v.warnings).toEqual([
      {
        nodeId: 'watch',
        field: 'event',
        message: 'node "watch": port "event" is never taken: the goal (purchase within 3d) converts the run first; use a wait without the event (e.g. wait.delay) or drop that branch',
      },
    ]);
    // A goal without a window pre-empts every later wait for its event.
    expect(warned(journey({ goal: { event: 'purchase' }, before: '30d', timeout: '30d' }))).toEqual(['watch.event']);
    // The wait's own filters narrow it further, but every match is still a goal match.
    expect(warned(journey({ goal: { event: 'purchase', within: '3d' }, where: [{ path: 'amount', op: 'gt', value: 5 }] }))).toEqual(['watch.event']);
  });

  it('stays quiet when the branch can be taken', () => {
    // The wait can end after the goal window: a purchase then takes the branch.
    expect(warned(journey({ goal: { event: 'purchase', within: '3d' }, before: '2d', timeout: '2d' }))).toEqual([]);
    // The goal only counts big orders: a small one takes the branch.
    expect(warned(journey({ goal: { event: 'purchase', within: '3d', where: [{ path: 'amount', op: 'gt', value: 50 }] } }))).toEqual([]);
    // Another goal event, no goal, or a wait of unknown length before it.
    expect(warned(journey({ goal: { event: 'email_clicked', within: '3d' } }))).toEqual([]);
    expect(warned(journey({}))).toEqual([]);
    expect(warned(journey({ goal: { event: 'purchase', within: '3d' }, beforeType: 'wait.purchaseCycle' }))).toEqual([]);
  });
});
