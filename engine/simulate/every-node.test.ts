import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../nodes/index.ts';
import { simulate } from './simulate.ts';

/**
 * One journey with a path through each catalogue node, replayed with the
 * scheduled jobs running in virtual time:
 *  a: history orders every 10 days, buys 02-01 → purchase-cycle wait is due 02-11 → high purchase score → repeat buyer (segment) → exit.
 *  b: an order of 150 on 02-05 puts them in "big" → trigger.segment → a day → plan is not pro → exit.
 *  c: birthday 02-15 (a Thursday) → 09:00 Berlin → send window → A/B split → waits a day for an open → exit.
 */
const journey = {
  id: 'everything',
  name: 'Every node',
  settings: { reentry: 'once' },
  nodes: [
    { id: 'bought', type: 'trigger.event', config: { event: 'purchase', where: [{ path: 'amount', op: 'lt', value: 100 }] } },
    { id: 'cycle', type: 'wait.purchaseCycle', config: { offset: '0d' } },
    { id: 'propensity', type: 'condition.propensity', config: { model: 'purchase' } },
    { id: 'repeat', type: 'condition.segment', config: { definition: { orders: 'count', op: 'gte', value: 2 } } },
    { id: 'big', type: 'trigger.segment', config: { segment: 'big' } },
    { id: 'day', type: 'wait.delay', config: { duration: '1d' } },
    { id: 'pro', type: 'condition.attribute', config: { attribute: 'plan', op: 'eq', value: 'pro' } },
    { id: 'birthday', type: 'trigger.date', config: { attribute: 'birthday', hour: 9 } },
    { id: 'window', type: 'wait.window', config: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], startHour: 10, endHour: 17 } },
    { id: 'ab', type: 'split.ab', config: { variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }] } },
    { id: 'opened', type: 'wait.event', config: { event: 'email_opened', timeout: '1d' } },
    { id: 'exit', type: 'flow.exit', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'bought', sourceHandle: 'next', target: 'cycle' },
    { id: 'e2', source: 'cycle', sourceHandle: 'due', target: 'propensity' },
    { id: 'e3', source: 'propensity', sourceHandle: 'high', target: 'repeat' },
    { id: 'e4', source: 'repeat', sourceHandle: 'yes', target: 'exit' },
    { id: 'e5', source: 'big', sourceHandle: 'next', target: 'day' },
    { id: 'e6', source: 'day', sourceHandle: 'next', target: 'pro' },
    { id: 'e7', source: 'pro', sourceHandle: 'no', target: 'exit' },
    { id: 'e8', source: 'birthday', sourceHandle: 'next', target: 'window' },
    { id: 'e9', source: 'window', sourceHandle: 'next', target: 'ab' },
    { id: 'e10', source: 'ab', sourceHandle: 'a', target: 'opened' },
    { id: 'e11', source: 'ab', sourceHandle: 'b', target: 'opened' },
    { id: 'e12', source: 'opened', sourceHandle: 'timeout', target: 'exit' },
  ],
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'foresight-every-node-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, lines: string[]) => {
  const p = path.join(dir, name);
  writeFileSync(p, lines.join('\n'));
  return p;
};

describe('simulate', () => {
  it('runs every catalogue node, with segment and anniversary jobs in virtual time', async () => {
    const report = await simulate({
      journey,
      registry: builtinRegistry(),
      customers: file('customers.csv', ['customer_id,timezone,plan,birthday', 'a,Europe/Berlin,pro,', 'b,Europe/Berlin,free,', 'c,Europe/Berlin,free,1990-02-15']),
      orders: file('orders.csv', [
        'customer_id,order_id,ordered_at,amount',
        'a,a1,2024-01-02T10:00:00Z,20',
        'a,a2,2024-01-12T10:00:00Z,20',
        'a,a3,2024-01-22T10:00:00Z,20',
        'a,a4,2024-02-01T10:00:00Z,20',
        'b,b1,2024-02-05T10:00:00Z,150',
      ]),
      segments: [{ name: 'big', definition: { orders: 'total', op: 'gte', value: 100 } }],
      scores: [{ customerId: 'a', model: 'purchase', value: 0.9 }],
      from: new Date('2024-02-01T00:00:00Z'),
      to: new Date('2024-02-29T00:00:00Z'),
    });
    const n = report.result.nodes;
    for (const node of journey.nodes.filter((x) => !['bought', 'big', 'birthday'].includes(x.id))) {
      expect.soft(n[node.id]!.entered, `node ${node.id} (${node.type}) was entered`).toBeGreaterThan(0);
    }
    expect(n.bought!.ports).toEqual({ next: 1 });
    expect(n.big!.ports).toEqual({ next: 1 });
    expect(n.birthday!.ports).toEqual({ next: 1 });
    expect(n.cycle!.ports).toEqual({ due: 1 });
    expect(n.propensity!.ports).toEqual({ high: 1 });
    expect(n.repeat!.ports).toEqual({ yes: 1 });
    expect(n.pro!.ports).toEqual({ no: 1 });
    expect(n.opened!.ports).toEqual({ timeout: 1 });
    expect(n.exit!.entered).toBe(3);
  });
});
