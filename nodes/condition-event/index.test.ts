import { afterEach, describe, expect, it } from 'vitest';
import { startTestSmtp, type TestSmtp } from '../../engine/messaging/test-smtp.ts';
import { createHarness, type Harness } from '../../engine/testing/harness.ts';
import { nodeContext } from '../../engine/testing/node-context.ts';
import { builtinRegistry } from '../index.ts';
import node from './index.ts';

const thanks = (id: string, subject: string) => ({ id, type: 'action.email', config: { subject, html: `<p>${subject}</p>`, text: subject } });

/** "Order amount > 50 → VIP thank-you, else standard." */
const vipJourney = {
  id: 'thanks',
  name: 'Thank you',
  settings: { reentry: 'always' },
  nodes: [
    { id: 'order', type: 'trigger.event', config: { event: 'purchase' } },
    { id: 'big', type: 'condition.event', config: { where: [{ path: 'amount', op: 'gt', value: 50 }] } },
    thanks('vip', 'Thank you, VIP'),
    thanks('standard', 'Thank you'),
  ],
  edges: [
    { id: 'e1', source: 'order', sourceHandle: 'next', target: 'big' },
    { id: 'e2', source: 'big', sourceHandle: 'yes', target: 'vip' },
    { id: 'e3', source: 'big', sourceHandle: 'no', target: 'standard' },
  ],
};

/** A cart, then the order that resumed the wait: branch on the order (latest) or on the cart (trigger). */
function cartJourney(source?: string, where = [{ path: 'amount', op: 'gt', value: 50 }]) {
  return {
    id: 'cart',
    name: 'Cart',
    settings: { reentry: 'always' },
    nodes: [
      { id: 'cart', type: 'trigger.event', config: { event: 'cart_add' } },
      { id: 'wait', type: 'wait.event', config: { event: 'purchase', timeout: '1d' } },
      { id: 'check', type: 'condition.event', config: { ...(source ? { source } : {}), where } },
      { id: 'yes', type: 'flow.exit', config: { reason: 'matched' } },
      { id: 'no', type: 'flow.exit', config: { reason: 'not matched' } },
    ],
    edges: [
      { id: 'e1', source: 'cart', sourceHandle: 'next', target: 'wait' },
      { id: 'e2', source: 'wait', sourceHandle: 'event', target: 'check' },
      { id: 'e3', source: 'wait', sourceHandle: 'timeout', target: 'check' },
      { id: 'e4', source: 'check', sourceHandle: 'yes', target: 'yes' },
      { id: 'e5', source: 'check', sourceHandle: 'no', target: 'no' },
    ],
  };
}

let h: Harness;
let smtp: TestSmtp | undefined;
afterEach(async () => {
  await h?.close();
  await smtp?.close();
  smtp = undefined;
});

async function checkOf(externalId: string) {
  const [run] = await h.runsOf(externalId);
  const step = (await h.storage.runs.history(run!.id)).find((x) => x.nodeId === 'check' && x.kind === 'port')!;
  return { run: run!, port: step.port, trace: step.detail };
}

describe('condition.event', () => {
  it('order amount > 50 → VIP thank-you, else standard; the trace shows the amount it compared', async () => {
    smtp = await startTestSmtp();
    h = createHarness({ registry: builtinRegistry({ smtpUrl: smtp.url, mailFrom: 'Shop <shop@example.com>', publicUrl: 'http://127.0.0.1:9', secret: 'x'.repeat(40) }) });
    await h.journeys.deploy(vipJourney);
    await h.identify([{ customerId: 'big', email: 'big@example.com' }, { customerId: 'small', email: 'small@example.com' }]);
    await h.orders([
      { customerId: 'big', orderId: 'o1', orderedAt: '2024-01-01T00:00:00Z', amount: 80 },
      { customerId: 'small', orderId: 'o2', orderedAt: '2024-01-01T00:00:00Z', amount: 50 },
    ]);
    await h.advance('1m');
    const subjects = Object.fromEntries(smtp.mails.map((m) => [(m.to as { text: string }).text, m.subject]));
    expect(subjects).toEqual({ 'big@example.com': 'Thank you, VIP', 'small@example.com': 'Thank you' });
    const [run] = await h.runsOf('small');
    const step = (await h.storage.runs.history(run!.id)).find((x) => x.nodeId === 'big')!;
    expect(step).toMatchObject({ port: 'no', detail: { source: 'latest', event: { type: 'purchase' }, conditions: [{ path: 'amount', op: 'gt', value: 50, actual: 50, matched: false }] } });
  });

  it('by default reads the event that resumed the last wait; `trigger` reads the event that started the run', async () => {
    h = createHarness();
    await h.journeys.deploy(cartJourney());
    await h.track([{ customerId: 'c1', type: 'cart_add', properties: { amount: 20 } }]);
    await h.orders([{ customerId: 'c1', orderId: 'o1', orderedAt: '2024-01-01T00:00:00Z', amount: 90 }]);
    expect(await checkOf('c1')).toMatchObject({ run: { endReason: 'matched' }, trace: { event: { type: 'purchase' }, conditions: [{ actual: 90 }] } });

    await h.journeys.deploy(cartJourney('trigger'));
    await h.track([{ customerId: 'c2', type: 'cart_add', properties: { amount: 20 } }]);
    await h.orders([{ customerId: 'c2', orderId: 'o2', orderedAt: '2024-01-01T00:00:00Z', amount: 90 }]);
    expect(await checkOf('c2')).toMatchObject({ run: { endReason: 'not matched' }, trace: { source: 'trigger', event: { type: 'cart_add' }, conditions: [{ actual: 20 }] } });
  });

  it('after a timeout, `latest` falls back to the trigger and `resume` finds nothing: "no", saying why', async () => {
    h = createHarness();
    await h.journeys.deploy(cartJourney());
    await h.track([{ customerId: 'c1', type: 'cart_add', properties: { amount: 70 } }]);
    await h.advance('1d');
    expect(await checkOf('c1')).toMatchObject({ run: { endReason: 'matched' }, trace: { event: { type: 'cart_add' } } });

    await h.journeys.deploy(cartJourney('resume'));
    await h.track([{ customerId: 'c2', type: 'cart_add', properties: { amount: 70 } }]);
    await h.advance('1d');
    expect(await checkOf('c2')).toMatchObject({ run: { endReason: 'not matched' }, trace: { event: null, reason: 'no resume event remembered on this run' } });
  });

  it('needs at least one condition', () => {
    expect(node.validate!({ source: 'latest', where: [] })).toEqual([{ field: 'where', message: 'add at least one condition, e.g. amount gt 50' }]);
    expect(node.run(nodeContext(node, { where: [{ path: 'amount', op: 'gt', value: 1 }] }))).toMatchObject({ next: 'no', trace: { event: null } });
  });
});
