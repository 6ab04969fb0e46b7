import { afterEach, describe, expect, it } from 'vitest';
import { trackEvents } from '../ingest/ingest.ts';
import { startTestSmtp, type TestSmtp } from '../messaging/test-smtp.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { builtinRegistry } from '../../nodes/index.ts';

const HOUR = 3_600_000;
const at = (hhmm: string, day = '2024-03-04') => `${day}T${hhmm}:00Z`;
const ms = (iso: string) => new Date(iso).getTime();

/**
 * A cart journey without a goal, so the wait itself decides: a purchase within 4 h of the
 * cart leaves through "event" (no mail); otherwise "timeout" → a day later the reminder.
 * `mailAtTimeout` sends the reminder at once instead, to see what happens to a sent mail.
 */
function cartJourney(opts: { mailAtTimeout?: boolean; goal?: Record<string, unknown> } = {}) {
  const nodes = [
    { id: 'trigger', type: 'trigger.event', config: { event: 'cart_add' } },
    { id: 'four-hours', type: 'wait.event', config: { event: 'purchase', timeout: '4h' } },
    { id: 'bought', type: 'flow.exit', config: { reason: 'checked out' } },
    { id: 'later', type: 'wait.delay', config: { duration: '1d' } },
    { id: 'reminder', type: 'action.email', config: { subject: 'Your cart', html: '<p>Your cart</p>', text: 'Your cart' } },
    { id: 'done', type: 'flow.exit', config: { reason: 'reminded' } },
  ];
  const edges = opts.mailAtTimeout
    ? [
        { id: 'e3', source: 'four-hours', sourceHandle: 'timeout', target: 'reminder' },
        { id: 'e4', source: 'reminder', sourceHandle: 'next', target: 'later' },
        { id: 'e5', source: 'later', sourceHandle: 'next', target: 'done' },
      ]
    : [
        { id: 'e3', source: 'four-hours', sourceHandle: 'timeout', target: 'later' },
        { id: 'e4', source: 'later', sourceHandle: 'next', target: 'reminder' },
        { id: 'e5', source: 'reminder', sourceHandle: 'next', target: 'done' },
      ];
  return {
    id: 'cart',
    name: 'Cart',
    settings: { reentry: 'always', ...(opts.goal ? { goal: opts.goal } : {}) },
    nodes,
    edges: [
      { id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'four-hours' },
      { id: 'e2', source: 'four-hours', sourceHandle: 'event', target: 'bought' },
      ...edges,
    ],
  };
}

let h: Harness;
let smtp: TestSmtp;
afterEach(async () => {
  await h?.close();
  await smtp?.close();
});

async function world(opts: { allowedLatenessMs?: number; journey?: Record<string, unknown> } = {}) {
  smtp = await startTestSmtp();
  const registry = builtinRegistry({ smtpUrl: smtp.url, mailFrom: 'Shop <shop@example.com>', publicUrl: 'http://127.0.0.1:9', secret: 'x'.repeat(40) });
  h = createHarness({ start: at('10:00'), registry, allowedLatenessMs: opts.allowedLatenessMs });
  await h.journeys.deploy(opts.journey ?? cartJourney());
  await h.identify([{ customerId: 'c1', email: 'c1@example.com' }]);
}

/** Stores events as a sync would deliver them, all in one batch, then lets the engine catch up. */
async function sync(items: { type: string; occurredAt: string; properties?: Record<string, unknown> }[]) {
  await trackEvents(
    h.storage,
    h.clock,
    items.map((i) => ({ customerId: 'c1', ...i })),
  );
  await h.engine.runUntilIdle();
}

const run = async () => (await h.runsOf('c1'))[0]!;
const history = async () => h.storage.runs.history((await run()).id);

describe('event time', () => {
  it('a run enters at its trigger’s occurredAt and its wait times out 4 h after the cart, not after processing', async () => {
    await world();
    h.clock.set(ms(at('10:40')));
    await sync([{ type: 'cart_add', occurredAt: at('10:00') }]);
    expect(await run()).toMatchObject({ status: 'waiting', nodeId: 'four-hours', enteredAt: ms(at('10:00')), wakeAt: ms(at('14:00')) });
  });

  it('a wait.delay right after the trigger counts from the trigger’s occurredAt', async () => {
    await world({
      journey: {
        id: 'later',
        name: 'Later',
        nodes: [
          { id: 'trigger', type: 'trigger.event', config: { event: 'cart_add' } },
          { id: 'pause', type: 'wait.delay', config: { duration: '5d' } },
        ],
        edges: [{ id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'pause' }],
      },
    });
    h.clock.set(ms(at('10:40')));
    await sync([{ type: 'cart_add', occurredAt: at('10:00') }]);
    expect(await run()).toMatchObject({ status: 'waiting', nodeId: 'pause', wakeAt: ms(at('10:00', '2024-03-09')) });
  });

  it('a wait that is re-planned keeps its start: a purchase dated before the re-plan, arriving after it, still ends the wait', async () => {
    await world({
      journey: {
        id: 'cycle',
        name: 'Cycle',
        nodes: [
          { id: 'trigger', type: 'trigger.event', config: { event: 'signup' } },
          { id: 'cycle', type: 'wait.purchaseCycle', config: { fallback: '30d' } },
          { id: 'bought', type: 'flow.exit', config: { reason: 'bought' } },
        ],
        edges: [{ id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'cycle' }, { id: 'e2', source: 'cycle', sourceHandle: 'purchased', target: 'bought' }],
      },
    });
    await sync([{ type: 'signup', occurredAt: at('10:00') }]);
    h.clock.set(ms(at('12:00')));
    await h.storage.runs.wakeWaitingAt([{ journeyId: 'cycle', nodeId: 'cycle' }], h.clock.now().getTime()); // a model refresh moved the prediction
    await h.engine.runUntilIdle();
    expect(await run()).toMatchObject({ status: 'waiting', nodeId: 'cycle', wait: { since: ms(at('10:00')) } });
    h.clock.set(ms(at('12:30')));
    await sync([{ type: 'purchase', occurredAt: at('11:00') }]);
    expect(await run()).toMatchObject({ status: 'completed', endReason: 'bought' });
  });

  it('applies one customer’s events in the order they happened: an order stored before its cart in the same batch still counts', async () => {
    await world();
    h.clock.set(ms(at('10:40')));
    await sync([
      { type: 'purchase', occurredAt: at('10:05') },
      { type: 'cart_add', occurredAt: at('10:00') },
    ]);
    expect(await run()).toMatchObject({ status: 'completed', endReason: 'checked out' });
    await h.advance('2d');
    expect(smtp.mails).toHaveLength(0);
  });

  it('a new run sees an order processed in an earlier batch but dated after its cart', async () => {
    await world();
    h.clock.set(ms(at('10:30')));
    await sync([{ type: 'purchase', occurredAt: at('10:05') }]);
    h.clock.set(ms(at('10:40')));
    await sync([{ type: 'cart_add', occurredAt: at('10:00') }]);
    expect(await run()).toMatchObject({ status: 'completed', endReason: 'checked out' });
    await h.advance('2d');
    expect(smtp.mails).toHaveLength(0);
  });

  it('a purchase dated after the timeout does not end the wait, even when processed before the run was woken', async () => {
    await world();
    await sync([{ type: 'cart_add', occurredAt: at('10:00') }]);
    h.clock.set(ms(at('14:20')));
    await sync([{ type: 'purchase', occurredAt: at('14:10') }]);
    expect(await run()).toMatchObject({ status: 'waiting', nodeId: 'later' });
    await h.advance('2d');
    expect(smtp.mails.map((m) => m.subject)).toEqual(['Your cart']);
  });

  it('a purchase made before the timeout but arriving 40 min after it wins: the run takes the "event" path and no reminder goes out', async () => {
    await world();
    await sync([{ type: 'cart_add', occurredAt: at('10:00') }]);
    await h.advance(4 * HOUR + 30 * 60_000); // 14:30: timed out at 14:00, now in the 1-day delay
    expect(await run()).toMatchObject({ status: 'waiting', nodeId: 'later' });
    await sync([{ type: 'purchase', occurredAt: at('13:50') }]);
    expect(await run()).toMatchObject({ status: 'completed', endReason: 'checked out' });
    const correction = (await history()).find((x) => x.kind === 'correct');
    expect(correction).toMatchObject({ nodeId: 'four-hours', detail: { event: 'purchase', occurredAt: at('13:50').replace('Z', '.000Z'), left: 'later', alreadyQueued: [] } });
    await h.advance('2d');
    expect(smtp.mails).toHaveLength(0);
  });

  it('a correction after the reminder went out records the sent mail in the trace and sends nothing again', async () => {
    await world({ journey: cartJourney({ mailAtTimeout: true }) });
    await sync([{ type: 'cart_add', occurredAt: at('10:00') }]);
    await h.advance(4 * HOUR + 30 * 60_000);
    expect(smtp.mails).toHaveLength(1);
    await sync([{ type: 'purchase', occurredAt: at('13:50') }]);
    expect(await run()).toMatchObject({ status: 'completed', endReason: 'checked out' });
    const correction = (await history()).find((x) => x.kind === 'correct')!;
    expect(correction.detail!.alreadyQueued).toEqual([expect.objectContaining({ nodeId: 'reminder', status: 'sent', withdrawn: false })]);
    await h.advance('2d');
    expect(smtp.mails).toHaveLength(1);
  });

  it('a correction withdraws a reminder still waiting on an SMTP retry: it is never delivered', async () => {
    await world({ journey: cartJourney({ mailAtTimeout: true }) });
    smtp.failNext(421, 'try again later');
    await sync([{ type: 'cart_add', occurredAt: at('10:00') }]);
    await h.advance(4 * HOUR); // 14:00: timed out, the reminder refused once, retried at 14:01
    const [reminder] = await h.storage.outbox.list({ customerId: await h.customerId('c1') });
    expect(reminder).toMatchObject({ nodeId: 'reminder', status: 'pending' });
    await sync([{ type: 'purchase', occurredAt: at('13:50') }]);
    const correction = (await history()).find((x) => x.kind === 'correct')!;
    expect(correction.detail!.alreadyQueued).toEqual([{ key: reminder!.key, nodeId: 'reminder', status: 'pending', withdrawn: true }]);
    await h.advance('2d');
    expect(smtp.mails).toHaveLength(0);
    expect(await h.storage.outbox.get(reminder!.key)).toMatchObject({ status: 'skipped', lastError: 'path corrected: purchase happened before the timeout of "four-hours" but arrived after it' });
  });

  it('an event later than the allowed lateness is ignored, with the reason in the trace', async () => {
    await world({ allowedLatenessMs: HOUR });
    await sync([{ type: 'cart_add', occurredAt: at('10:00') }]);
    await h.advance(4 * HOUR + 30 * 60_000); // 14:30
    await sync([{ type: 'purchase', occurredAt: at('13:20') }]); // 1 h 10 min late
    expect(await run()).toMatchObject({ status: 'waiting', nodeId: 'later' });
    const ignored = (await history()).find((x) => x.kind === 'ignore');
    expect(ignored!.detail!.reason).toBe('arrived 1h 10m after it happened (2024-03-04T13:20:00.000Z); the allowed lateness is 1h (FORESIGHT_ALLOWED_LATENESS)');
    await h.advance('2d');
    expect(smtp.mails.map((m) => m.subject)).toEqual(['Your cart']);
  });

  it('a trigger later than the allowed lateness enrolls nobody and is counted as late on the trigger', async () => {
    await world();
    h.clock.set(ms(at('12:00', '2024-03-06')));
    await sync([{ type: 'cart_add', occurredAt: at('10:00') }]);
    expect(await h.runsOf('c1')).toEqual([]);
    expect((await h.storage.runs.counters('cart')).find((c) => c.nodeId === 'trigger' && c.key === 'late')?.count).toBe(1);
  });

  it('the goal window is decided on event time: a purchase 80 min after a cart synced 40 min late does not convert a 1 h goal', async () => {
    await world({ journey: cartJourney({ goal: { event: 'purchase', within: '1h' } }) });
    h.clock.set(ms(at('10:40')));
    await sync([{ type: 'cart_add', occurredAt: at('10:00') }]);
    h.clock.set(ms(at('11:30')));
    await sync([{ type: 'purchase', occurredAt: at('11:20') }]);
    // Not a conversion; the purchase still ended the 4 h wait it happened in.
    expect(await run()).toMatchObject({ status: 'completed', endReason: 'checked out' });
  });
});
