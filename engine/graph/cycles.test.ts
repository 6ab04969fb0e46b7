import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../nodes/index.ts';
import { validateJourney } from './validate.ts';

const registry = builtinRegistry();

/** signup → email → wait → back to the email: a loop whose only pause is the wait node given. */
function mailLoop(wait: { type: string; config: Record<string, unknown>; port: string }) {
  return {
    id: 'loop',
    name: 'Loop',
    nodes: [
      { id: 't', type: 'trigger.event', config: { event: 'signup' } },
      { id: 'mail', type: 'action.email', config: { subject: 'Hi', html: '<p>Hi</p>' } },
      { id: 'w', type: wait.type, config: wait.config },
    ],
    edges: [
      { id: 'e1', source: 't', sourceHandle: 'next', target: 'mail' },
      { id: 'e2', source: 'mail', sourceHandle: 'next', target: 'w' },
      { id: 'e3', source: 'w', sourceHandle: wait.port, target: 'mail' },
    ],
  };
}

describe('loops need a minimum wait of 1h', () => {
  it.each([
    ['a 0-second delay', { type: 'wait.delay', config: { duration: '0s' }, port: 'next' }],
    ['a 59-minute delay', { type: 'wait.delay', config: { duration: '59m' }, port: 'next' }],
    ['a business-hours window (passes at once inside the window)', { type: 'wait.window', config: {}, port: 'next' }],
    ['an event wait timing out after 10 minutes', { type: 'wait.event', config: { event: 'open', timeout: '10m' }, port: 'timeout' }],
  ])('refuses a mail loop through %s, naming the loop and the fix', (_, wait) => {
    const v = validateJourney(mailLoop(wait), registry);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/nodes "mail" → "w" form a loop whose waits \("w"\) can be shorter than 1h, the minimum wait in a loop; lengthen a wait/) }),
    ]);
  });

  it.each([
    ['a 1-hour delay', { type: 'wait.delay', config: { duration: '1h' }, port: 'next' }],
    ['a 3-day delay', { type: 'wait.delay', config: { duration: '3d' }, port: 'next' }],
    ['an event wait with a 1-day timeout', { type: 'wait.event', config: { event: 'open', timeout: '1d' }, port: 'timeout' }],
    ['a purchase-cycle wait of at least 1 day', { type: 'wait.purchaseCycle', config: { minWait: '1d' }, port: 'due' }],
  ])('accepts a loop through %s', (_, wait) => {
    expect(validateJourney(mailLoop(wait), registry).problems).toEqual([]);
  });

  it('still names a loop with no wait at all', () => {
    const doc = mailLoop({ type: 'condition.attribute', config: { attribute: 'x', op: 'exists' }, port: 'yes' });
    expect(validateJourney(doc, registry).problems.map((p) => p.message)).toContain('nodes "mail" → "w" form a loop with no wait in it; add a wait node of at least 1h to the loop');
  });
});
