import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../nodes/index.ts';
import type { RowError } from '../ingest/csv.ts';
import { parseCliDate } from '../cli/context.ts';
import { SERVER_ZONES, underTz } from '../testing/tz.ts';
import { simulate } from './simulate.ts';

const journey = {
  id: 'after-purchase',
  name: 'After purchase',
  settings: { reentry: 'once', goal: { event: 'purchase' } },
  nodes: [
    { id: 'trigger', type: 'trigger.event', config: { event: 'purchase' } },
    { id: 'wait', type: 'wait.delay', config: { duration: '3d' } },
    { id: 'pro', type: 'condition.attribute', config: { attribute: 'plan', op: 'eq', value: 'pro' } },
    { id: 'done', type: 'flow.exit', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'wait' },
    { id: 'e2', source: 'wait', sourceHandle: 'next', target: 'pro' },
    { id: 'e3', source: 'pro', sourceHandle: 'yes', target: 'done' },
    { id: 'e4', source: 'pro', sourceHandle: 'no', target: 'done' },
  ],
};

let dir: string;
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'foresight-simtest-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/*
 * The story, replayed from 2024-02-01 to 2024-02-28:
 *  a: bought in January (history, enrolls nobody), buys 02-01 → enrolls; 3 days later plan=pro → yes.
 *  b: buys 02-03 → enrolls; plan=free → no.
 *  c: buys 02-10 → enrolls; buys again 02-11 → converts while waiting.
 *  d: buys 02-27 → enrolls; still waiting on 02-28.
 *  e: buys 03-05 → after --to, ignored.
 */
function goodData() {
  return {
    customers: file('customers.csv', 'customer_id,email,timezone,plan\na,a@example.com,Europe/Berlin,pro\nb,b@example.com,,free\nc,,,pro\nd,,,free\n'),
    orders: file(
      'orders.csv',
      [
        'customer_id,order_id,ordered_at,amount,quantity',
        'a,o1,2024-01-10T09:00:00Z,20,1',
        'a,o2,2024-02-01T09:00:00Z,35.5,2',
        'b,o3,2024-02-03T12:00:00Z,12,',
        'c,o4,2024-02-10T08:00:00Z,50,1',
        'c,o5,2024-02-11T08:00:00Z,10,1',
        'd,o6,2024-02-27T08:00:00Z,10,1',
        'e,o7,2024-03-05T08:00:00Z,10,1',
      ].join('\n'),
    ),
    events: file('events.csv', 'customer_id,type,occurred_at,idempotency_key,properties\nb,page_view,2024-01-05T00:00:00Z,,\nb,page_view,2024-02-05T00:00:00Z,pv1,"{""path"": ""/pricing""}"\n'),
  };
}

describe('simulate', () => {
  it('replays history through a journey and counts every node exactly', async () => {
    const data = goodData();
    const report = await simulate({ journey, registry: builtinRegistry(), ...data, from: new Date('2024-02-01T00:00:00Z'), to: new Date('2024-02-28T23:59:59Z') });
    expect(report.result).toEqual({
      nodes: {
        trigger: { entered: 4, ports: { next: 4 }, waiting: 0 },
        wait: { entered: 4, ports: { next: 2 }, waiting: 1 },
        pro: { entered: 2, ports: { yes: 1, no: 1 }, waiting: 0 },
        done: { entered: 2, ports: {}, waiting: 0 },
      },
      converted: 1,
      messages: 0,
    });
    expect(report.rows).toEqual({ history: 2, replayed: 6, ignored: 1 });
    expect(Object.values(report.skipped)).toEqual([0, 0, 0]);
  });

  it('reports bad rows with file, line and column, and uses the rest', async () => {
    const orders = file(
      'bad-orders.csv',
      [
        'customer_id,order_id,ordered_at,amount',
        'a,o1,2024-02-01T09:00:00Z,10',
        'b,o2,not-a-date,10',
        'c,o3,2024-02-02T09:00:00Z,abc',
        ',o4,2024-02-02T09:00:00Z,5',
        'd,o5,2024-02-03T09:00:00Z,5',
      ].join('\n'),
    );
    const events = file('bad-events.csv', 'customer_id,type,occurred_at,properties\nx,page view,2024-02-01T00:00:00Z,\ny,visit,2024-02-01T00:00:00Z,{oops\n');
    const errors: RowError[] = [];
    const report = await simulate({ journey, registry: builtinRegistry(), orders, events, from: new Date('2024-02-01T00:00:00Z'), to: new Date('2024-02-10T00:00:00Z'), onRowError: (e) => errors.push(e) });
    expect(errors.map((e) => `${path.basename(e.file)}:${e.line}: ${e.field}`)).toEqual([
      'bad-events.csv:2: type',
      'bad-events.csv:3: properties',
      'bad-orders.csv:3: ordered_at',
      'bad-orders.csv:4: amount',
      'bad-orders.csv:5: customer_id',
    ]);
    expect(report.skipped).toEqual({ [events]: 2, [orders]: 3 });
    // a and d still enroll; both pass the 3-day wait; neither has plan=pro.
    expect(report.result.nodes.trigger).toEqual({ entered: 2, ports: { next: 2 }, waiting: 0 });
    expect(report.result.nodes.pro).toEqual({ entered: 2, ports: { no: 2 }, waiting: 0 });
  });

  it('refuses a file whose header is wrong, naming the file and the column', async () => {
    const sim = (files: { orders?: string; events?: string; customers?: string }) =>
      simulate({ journey, registry: builtinRegistry(), ...files, from: new Date('2024-02-01T00:00:00Z'), to: new Date('2024-02-10T00:00:00Z') });
    const typo = file('typo-orders.csv', 'customer_id,order_id,orderd_at,amount\na,o1,2024-02-01T09:00:00Z,10\n');
    await expect(sim({ orders: typo })).rejects.toThrow(`${typo}: column "ordered_at" is missing from the header; the header must include customer_id,order_id,ordered_at,amount`);
    const extra = file('extra-events.csv', 'customer_id,type,occurred_at,propertys\na,visit,2024-02-01T09:00:00Z,{}\n');
    await expect(sim({ events: extra })).rejects.toThrow(`${extra}: unknown column "propertys" in the header; the columns are customer_id,type,occurred_at,idempotency_key,properties`);
    const headerOnly = file('header-only.csv', 'customer_id,type,occured_at\n');
    await expect(sim({ events: headerOnly })).rejects.toThrow(/header-only\.csv: column "occurred_at" is missing/);
    await expect(sim({ events: file('empty.csv', '') })).rejects.toThrow(/empty\.csv: the file is empty; the first line must be the header/);
    // For customers, a column the format does not name is an attribute.
    const customers = file('attr-customers.csv', 'customer_id,email,plan\na,a@shop.example,pro\n');
    await expect(sim({ customers })).resolves.toMatchObject({ skipped: { [customers]: 0 } });
  });
});

describe('simulate with journeys that read the models', () => {
  /*
   * A shop as of 2024-06-01: 30 regulars buying every 3 to 6 weeks, 6 customers lapsed long
   * ago, and 8 whose last order was 360 days before --from: they pass a year without an order
   * (lifecycle "lapsed") during the replay, as the nightly scoring sees it.
   */
  function shop() {
    const from = Date.parse('2024-06-01T00:00:00Z');
    const rows = ['customer_id,order_id,ordered_at,amount'];
    const order = (c: string, n: number, daysBefore: number) => rows.push(`${c},${c}-${n},${new Date(from - daysBefore * DAY).toISOString()},${20 + ((n * 7) % 30)}`);
    for (let i = 0; i < 30; i++) for (let n = 0, d = 700 - i * 5; d > 2; n++, d -= 21 + ((i + n) % 4) * 7) order(`r${i}`, n, d);
    for (let i = 0; i < 6; i++) [900, 700 - i * 10].forEach((d, n) => order(`old${i}`, n, d));
    for (let i = 0; i < 8; i++) [500, 360].forEach((d, n) => order(`soon${i}`, n, d));
    return file('model-orders.csv', rows.join('\n'));
  }
  const DAY = 86_400_000;

  const template = (f: string) => JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../templates/win-back', f), 'utf8'));
  const winBack = template('journey.json');
  const { segments } = template('description.json');

  it('scores customers on the replay\'s clock, so a lapsed-customer journey enrolls those who lapse', async () => {
    const report = await simulate({ journey: winBack, registry: builtinRegistry(), segments, orders: shop(), from: new Date('2024-06-01T00:00:00Z'), to: new Date('2024-06-10T00:00:00Z') });
    // The eight who crossed a year without an order; the long-lapsed were lapsed before it went live.
    expect(report.result.nodes.trigger!.entered).toBe(8);
    expect(report.result.nodes['try-1']!.entered).toBe(8);
    expect(report.scoring).toEqual({ runs: 10 });
  });

  it('does not score when the journey reads no scores, or when scores are given', async () => {
    const span = { from: new Date('2024-06-01T00:00:00Z'), to: new Date('2024-06-03T00:00:00Z') };
    expect((await simulate({ journey, registry: builtinRegistry(), orders: shop(), ...span })).scoring).toEqual({ runs: 0 });
    const scores = [{ customerId: 'r0', model: 'lifecycle', value: null, data: { stage: 'repeat' } }];
    expect((await simulate({ journey: winBack, registry: builtinRegistry(), segments, scores, orders: shop(), ...span })).scoring).toEqual({ runs: 0 });
  });
});

describe('simulate under any server zone', () => {
  it('enters the same customers whatever TZ the process runs in: offset-less times and --from/--to are UTC', async () => {
    const entry = {
      id: 'cart',
      name: 'Cart',
      nodes: [
        { id: 'trigger', type: 'trigger.event', config: { event: 'cart_add' } },
        { id: 'done', type: 'flow.exit', config: {} },
      ],
      edges: [{ id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'done' }],
    };
    // Early, midday and late on 1 March, written without an offset as exports often are.
    const events = file('tz-events.csv', 'customer_id,type,occurred_at\nc1,cart_add,2024-03-01T00:30:00\nc2,cart_add,2024-03-01 12:00\nc3,cart_add,2024-03-01T23:30:00\n');
    const entered: Record<string, number> = {};
    for (const zone of SERVER_ZONES) {
      entered[zone] = await underTz(zone, async () => {
        const report = await simulate({ journey: entry, registry: builtinRegistry(), events, from: parseCliDate('--from', '2024-03-01'), to: parseCliDate('--to', '2024-03-01', true) });
        return report.result.nodes.trigger!.entered;
      });
    }
    expect(entered).toEqual({ UTC: 3, 'America/New_York': 3, 'Asia/Tokyo': 3 });
  });
});

describe('foresight simulate (CLI)', () => {
  it('exits 2 with one line naming the file and the column when a header is wrong', async () => {
    const journeyFile = file('journey.json', JSON.stringify(journey));
    const orders = file('typo-orders.csv', 'customer_id,order_id,orderd_at,amount\na,o1,2024-02-01T09:00:00Z,10\n');
    const bin = path.resolve(import.meta.dirname, '../../bin/foresight.js');
    const r = await promisify(execFile)(process.execPath, [bin, 'simulate', '--journey', journeyFile, '--orders', orders, '--from', '2024-02-01', '--to', '2024-02-28']).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`error: ${orders}: column "ordered_at" is missing from the header; the header must include customer_id,order_id,ordered_at,amount`);
  });

  it('prints the result as JSON', async () => {
    const data = goodData();
    const journeyFile = file('journey.json', JSON.stringify(journey));
    const bin = path.resolve(import.meta.dirname, '../../bin/foresight.js');
    const { stdout } = await promisify(execFile)(process.execPath, [
      bin, 'simulate', '--journey', journeyFile, '--customers', data.customers, '--orders', data.orders, '--events', data.events, '--from', '2024-02-01', '--to', '2024-02-28', '--json',
    ]);
    const out = JSON.parse(stdout) as { nodes: Record<string, { entered: number }>; converted: number; messages: number };
    expect(out.converted).toBe(1);
    expect(out.messages).toBe(0);
    expect(out.nodes.trigger!.entered).toBe(4);
    expect(Object.keys(out.nodes)).toEqual(['trigger', 'wait', 'pro', 'done']);
  });

  it('takes the saved segments a journey names from --segments, and refuses the journey without them', async () => {
    const data = goodData();
    const repeatBuyers = {
      id: 'repeat-buyers',
      name: 'Repeat buyers',
      nodes: [
        { id: 'enter', type: 'trigger.segment', config: { segment: 'repeat' } },
        { id: 'done', type: 'flow.exit', config: {} },
      ],
      edges: [{ id: 'e1', source: 'enter', sourceHandle: 'next', target: 'done' }],
    };
    const journeyFile = file('repeat.json', JSON.stringify(repeatBuyers));
    // The shape of a template's description.json.
    const segments = file('segments.json', JSON.stringify({ segments: [{ name: 'repeat', definition: { orders: 'count', op: 'gte', value: 2 } }] }));
    const bin = path.resolve(import.meta.dirname, '../../bin/foresight.js');
    const args = [bin, 'simulate', '--journey', journeyFile, '--orders', data.orders, '--from', '2024-02-01', '--to', '2024-02-28', '--json'];
    const { stdout } = await promisify(execFile)(process.execPath, [...args, '--segments', segments]);
    // a (second order on 02-01) and c (02-11) become repeat buyers during the replay; b and d never do.
    expect(JSON.parse(stdout).nodes.enter.entered).toBe(2);

    const failure = (argv: string[]) =>
      promisify(execFile)(process.execPath, argv).then(
        () => null,
        (err: { code: number; stderr: string }) => err,
      );
    const refused = await failure(args);
    expect(refused?.code).not.toBe(0);
    expect(refused?.stderr).toContain('there is no saved segment "repeat"');
    expect(refused?.stderr).toContain('--segments');

    const badFile = file('bad-segments.json', JSON.stringify([{ definition: {} }]));
    const bad = await failure([...args, '--segments', badFile]);
    expect(bad?.code).toBe(2);
    expect(bad?.stderr).toContain('--segments: 0.name:');
  });
});
