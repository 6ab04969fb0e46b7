/**
 * Messaging benchmarks (not tests): template rendering, and whole email
 * deliveries (policy checks, render, tracking links, SMTP to a real local
 * server, send log) through the engine's outbox dispatcher, and the same
 * with the transport stubbed to show Foresight's own share.
 * Run alone with `npx tsx bench/messaging.bench.ts [--quick]`.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { trackEvents } from '../engine/ingest/ingest.ts';
import { renderEmail } from '../engine/messaging/render.ts';
import { startTestSmtp } from '../engine/messaging/test-smtp.ts';
import type { NodeRegistry } from '../engine/plugin/registry.ts';
import { createHarness } from '../engine/testing/harness.ts';
import { builtinRegistry } from '../nodes/index.ts';
import type { BenchRow } from './engine.bench.ts';

const TEMPLATES = {
  subject: 'Hi {{default customer.firstName "there"}}, {{plural customer.cartItems "item" "items"}} are waiting',
  html: '<html><body><p>Hello {{customer.firstName}}</p><p>Total {{money customer.cartTotal "EUR"}} since {{date customer.signupAt "long"}}</p>'
    + '{{#each recommendations}}<a href="https://shop.example/p/{{itemId}}">{{itemId}}</a>{{/each}}</body></html>',
  text: 'Hello {{customer.firstName}}, total {{money customer.cartTotal "EUR"}}',
};

const CUSTOMER = { firstName: 'Ann <b>', cartItems: 3, cartTotal: 42.5, signupAt: '2024-02-10T12:00:00Z', timezone: 'Europe/Berlin' };

function row(name: string, count: number, unit: string, seconds: number, note?: string): BenchRow {
  return { name, count, unit, seconds, rate: count / seconds, note };
}

/** Enqueues one email per customer, then times the outbox dispatcher delivering them all. */
async function deliveries(name: string, emails: number, registry: NodeRegistry, note: string): Promise<BenchRow> {
  const h = createHarness({ registry });
  try {
    await h.identify(Array.from({ length: emails }, (_, i) => ({ customerId: `c${i}`, email: `c${i}@example.com`, attributes: CUSTOMER })));
    await h.journeys.deploy({
      id: 'bench',
      name: 'bench',
      nodes: [
        { id: 't', type: 'trigger.event', config: { event: 'go' } },
        { id: 'm', type: 'action.email', config: TEMPLATES },
      ],
      edges: [{ id: 'e', source: 't', sourceHandle: 'next', target: 'm' }],
    });
    await trackEvents(h.storage, h.clock, Array.from({ length: emails }, (_, i) => ({ customerId: `c${i}`, type: 'go' })));
    await h.engine.runUntilIdle({ deliver: false });
    const t = performance.now();
    while ((await h.engine.dispatchOutbox(200)) > 0);
    const seconds = (performance.now() - t) / 1000;
    const sent = (await h.storage.outbox.countByStatus()).sent ?? 0;
    if (sent !== emails) throw new Error(`${name}: ${sent} of ${emails} mails sent`);
    return row(name, emails, 'mails', seconds, note);
  } finally {
    await h.close();
  }
}

export async function runMessagingBench(opts: { renders?: number; emails?: number } = {}): Promise<BenchRow[]> {
  const renders = opts.renders ?? 50_000;
  const emails = opts.emails ?? 2_000;
  const rows: BenchRow[] = [];

  const context = { customer: CUSTOMER, recommendations: [{ itemId: 'sku-1' }, { itemId: 'sku-2' }, { itemId: 'sku-3' }] };
  const t = performance.now();
  for (let i = 0; i < renders; i++) renderEmail(TEMPLATES, context);
  rows.push(row('render email (subject+html+text)', renders, 'mails', (performance.now() - t) / 1000));

  const smtp = await startTestSmtp({ parse: false });
  try {
    const base = { mailFrom: 'Shop <news@shop.example>', publicUrl: 'https://foresight.example', secret: 'x'.repeat(40), frequencyCap: { max: 5, window: '7d' } };
    rows.push(await deliveries('deliver email via SMTP (127.0.0.1)', emails, builtinRegistry({ ...base, smtpUrl: smtp.url }), 'checks+render+links+SMTP'));
    if (smtp.received() !== emails) throw new Error(`expected ${emails} mails, the SMTP server got ${smtp.received()}`);
    // The same work with a transport that drops the message: Foresight's own share of a delivery.
    rows.push(await deliveries('deliver email, transport stubbed', emails, builtinRegistry({ ...base, mailTransport: { sendMail: async () => ({}) } }), 'checks+render+links+log'));
  } finally {
    await smtp.close();
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const rows = await runMessagingBench(quick ? { renders: 5_000, emails: 200 } : {});
  for (const r of rows) console.log(`${r.name.padEnd(40)} ${String(r.count).padStart(7)} ${r.unit}  ${r.seconds.toFixed(2)} s  ${Math.round(r.rate).toLocaleString('en-US')}/s  ${r.note ?? ''}`);
}
