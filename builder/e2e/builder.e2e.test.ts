import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../engine/config.ts';
import { VirtualClock } from '../../engine/core/clock.ts';
import { identifyCustomers, recordOrders, trackEvents } from '../../engine/ingest/ingest.ts';
import { runScoringJob } from '../../engine/models/job.ts';
import { SegmentService } from '../../engine/segments/index.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import { openSqlite, type SqliteStorage } from '../../engine/storage/sqlite/index.ts';
import { startTestSmtp } from '../../engine/messaging/test-smtp.ts';

/**
 * The builder end to end, as a marketer uses it: real Chromium, the real server over a temporary
 * SQLite file, the production build of the builder. Screenshots go to test-artifacts/.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHOTS = path.join(ROOT, 'test-artifacts');
const ADMIN = { email: 'marketer@example.com', password: 'a long enough passphrase' };

let dir: string;
let storage: SqliteStorage;
let clock: VirtualClock;
let server: RunningServer;
let browser: Browser;
let page: Page;

async function shot(name: string, size: { width: number; height: number } = { width: 1280, height: 800 }) {
  await page.setViewportSize(size);
  await page.waitForTimeout(250);
  await page.screenshot({ path: path.join(SHOTS, `${name}-${size.width}x${size.height}.png`) });
}

const daysAgo = (n: number) => new Date(clock.now().getTime() - n * 86_400_000);
const day = (d: Date) => d.toISOString().slice(0, 10);
const node = (id: string) => page.locator(`.jnode[data-node-id="${id}"]`);

/** Drags from an output port to a node's input, the way a person draws an edge. */
async function connect(from: string, port: string, to: string) {
  const a = await node(from).locator(`.react-flow__handle.source[data-handleid="${port}"]`).boundingBox();
  const b = await node(to).locator('.react-flow__handle.target').boundingBox();
  if (!a || !b) throw new Error(`handles of ${from} → ${to} not visible`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 10, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'foresight-builder-e2e-'));
  mkdirSync(SHOTS, { recursive: true });
  const outDir = path.join(dir, 'dist');
  await build({ configFile: path.join(ROOT, 'builder/vite.config.ts'), build: { outDir, emptyOutDir: true }, logLevel: 'error' });

  storage = openSqlite(path.join(dir, 'e2e.db'));
  // The browser keeps the session cookie by its real-time expiry, so the server's clock starts at the real now.
  clock = new VirtualClock(new Date());
  // History for the backtest: twelve buyers five to six weeks ago.
  await identifyCustomers(storage, clock, Array.from({ length: 12 }, (_, i) => ({ customerId: `c-${i + 1}`, email: `c${i + 1}@example.com`, attributes: { plan: i % 3 ? 'free' : 'pro' } })));
  await trackEvents(storage, clock, Array.from({ length: 12 }, (_, i) => ({ customerId: `c-${i + 1}`, type: 'purchase', occurredAt: daysAgo(40 - i).toISOString(), properties: { amount: 40 + i } })));

  await storage.segments.save({ name: 'pro-customers', definition: { attribute: 'plan', op: 'eq', value: 'pro' } }, clock.now().getTime());

  const config = loadConfig({ FORESIGHT_ADMIN_EMAIL: ADMIN.email, FORESIGHT_ADMIN_PASSWORD: ADMIN.password, PORT: '0', FORESIGHT_LOG_LEVEL: 'silent' });
  server = await startServer({ config, storage, clock, host: '127.0.0.1', logger: pino({ level: 'silent' }), builderDir: outDir, scheduler: false });
  // The history is processed before any journey is live, so it only shapes profiles and backtests.
  await server.engine.runUntilIdle();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(10_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await storage?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('builder in Chromium', () => {
  it('signs in, builds, validates, saves and publishes a journey, which survives a reload', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot('01-sign-in');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('do not match').waitFor();
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Journeys', exact: true }).waitFor();

    await page.getByRole('button', { name: 'New journey' }).click();
    await page.getByLabel('Journey name').fill('Thank buyers');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.locator('.palette-item').first().waitFor();
    expect(page.url()).toContain('#/journeys/thank-buyers');

    // Three nodes from the palette, dropped where a person would put them.
    const pane = page.locator('.react-flow__pane');
    const view = () => page.locator('.react-flow__viewport').getAttribute('style');
    const emptyView = await view();
    await page.locator('.palette-item[data-type="trigger.event"]').dragTo(pane, { targetPosition: { x: 140, y: 160 } });
    await page.locator('.palette-item[data-type="wait.delay"]').dragTo(pane, { targetPosition: { x: 400, y: 300 } });
    await page.getByLabel('Search nodes').fill('exit');
    await page.locator('.palette-item[data-type="flow.exit"]').dragTo(pane, { targetPosition: { x: 620, y: 440 } });
    await page.getByLabel('Search nodes').fill('');
    await expect.poll(() => page.locator('.jnode').count()).toBe(3);
    // The view stays put under the marketer's drops (no jump to the first node).
    await page.waitForTimeout(400);
    expect(await view()).toBe(emptyView);

    await connect('trigger-event-1', 'next', 'wait-delay-1');
    await connect('wait-delay-1', 'next', 'flow-exit-1');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
    // Copy, paste, undo, redo and delete from the keyboard.
    await node('flow-exit-1').click();
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(() => page.locator('.jnode').count()).toBe(4);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.jnode').count()).toBe(3);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => page.locator('.jnode').count()).toBe(4);
    await node('flow-exit-2').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.jnode').count()).toBe(3);
    expect(await page.locator('.react-flow__edge').count()).toBe(2);

    await page.getByRole('button', { name: 'Tidy up' }).click();
    await page.waitForTimeout(400);

    // The trigger has no event yet: the server's validator says so on the node and on the field.
    await expect.poll(() => node('trigger-event-1').locator('.jnode-problems').textContent()).toBe('1');
    await node('trigger-event-1').click();
    await page.locator('[data-field="event"] .field-error').getByText('required').waitFor();
    await shot('02-validation-error');
    await page.getByLabel('Event type').fill('purchase');
    await expect.poll(() => node('trigger-event-1').locator('.jnode-problems').count()).toBe(0);
    await expect.poll(() => page.getByTestId('problems-button').textContent()).toBe('No problems');

    await node('wait-delay-1').click();
    await page.getByLabel('Wait for').fill('2');
    await page.getByLabel('Unit').selectOption('d');
    await expect.poll(() => node('wait-delay-1').locator('.jnode-summary').textContent()).toBe('2d');

    await page.keyboard.press('Control+s');
    await page.locator('[data-save-state="saved"]').waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('dialog', { name: 'Publish journey' }).getByRole('button', { name: 'Publish now' }).click();
    await page.getByRole('status').getByText('Published version 1').waitFor();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    await shot('03-published');

    await page.reload();
    await page.locator('.jnode').first().waitFor();
    expect(await page.locator('.jnode').count()).toBe(3);
    expect(await page.locator('.react-flow__edge').count()).toBe(2);
    expect(await node('trigger-event-1').locator('.jnode-summary').textContent()).toBe('purchase');
    expect(await node('wait-delay-1').locator('.jnode-summary').textContent()).toBe('2d');
    expect(await page.locator('.editor-title .badge').textContent()).toBe('live');
  });

  it('shows live numbers and a customer trace with the path highlighted', async () => {
    await trackEvents(storage, clock, [{ customerId: 'c-42', type: 'purchase', properties: { amount: 99 } }]);
    await identifyCustomers(storage, clock, [{ customerId: 'c-42', email: 'grace@example.com' }]);
    await server.engine.runUntilIdle();

    await expect.poll(() => node('trigger-event-1').getByTestId('node-counts').textContent(), { timeout: 12_000 }).toContain('1 entered');
    expect(await node('wait-delay-1').getByTestId('node-counts').textContent()).toContain('1 waiting');

    await page.getByRole('tab', { name: 'Customer trace' }).click();
    await page.getByLabel('Search customers').fill('c-42');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: /c-42/ }).click();
    const steps = page.getByRole('list', { name: 'Trace steps' });
    await steps.locator('li').first().waitFor();
    expect(await steps.textContent()).toContain('trigger-event-1');
    await expect.poll(() => node('wait-delay-1').getAttribute('class')).toContain('traced');
    expect(await node('flow-exit-1').getAttribute('class')).toContain('dimmed');
    await shot('04-customer-trace');
  });

  it('backtests the draft over a past period and overlays the counts', async () => {
    await page.getByRole('button', { name: 'Backtest' }).click();
    const dialog = page.getByRole('dialog', { name: 'Backtest' });
    await dialog.getByLabel('From').fill(day(daysAgo(45)));
    await dialog.getByLabel('To').fill(day(daysAgo(20)));
    await dialog.getByRole('button', { name: 'Run backtest' }).click();
    await dialog.getByTestId('backtest-result').waitFor();
    expect(await dialog.getByTestId('backtest-result').textContent()).toContain('12would enter');
    await shot('05-backtest-dialog');
    await dialog.getByRole('button', { name: 'Show on canvas' }).click();
    await expect.poll(() => node('trigger-event-1').getByTestId('node-counts').textContent()).toContain('12 entered');
    await shot('06-backtest-overlay', { width: 1920, height: 1080 });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('restores a published version as the draft, undoably', async () => {
    // The node's header: its body shows the backtest numbers now.
    await node('flow-exit-1').click({ position: { x: 12, y: 8 } });
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.jnode').count()).toBe(2);
    await page.getByRole('button', { name: 'Versions' }).click();
    const dialog = page.getByRole('dialog', { name: 'Versions' });
    const v1 = dialog.locator('tr[data-version="1"]');
    await v1.waitFor();
    expect(await v1.locator('.badge').textContent()).toBe('live');
    expect(await v1.locator('td').nth(2).textContent()).toBe('3');
    await shot('06-versions');
    await v1.getByRole('button', { name: 'Restore as draft' }).click();
    await expect.poll(() => page.locator('.jnode').count()).toBe(3);
    expect(await page.locator('.react-flow__edge').count()).toBe(2);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.jnode').count()).toBe(2);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => page.locator('.jnode').count()).toBe(3);
    await page.locator('[data-save-state="saved"]').waitFor();
  });

  it('imports a template as a draft and lists journeys with their numbers', async () => {
    await page.getByRole('button', { name: 'Back to journeys' }).click();
    await page.getByRole('heading', { name: 'Journeys', exact: true }).waitFor();
    const row = page.locator('tr[data-journey="thank-buyers"]');
    expect(await row.locator('.badge').textContent()).toBe('live');
    expect(await row.locator('td').nth(3).textContent()).toBe('1');
    await row.getByRole('button', { name: 'Duplicate' }).click();
    const copy = page.locator('tr[data-journey="thank-buyers-copy"]');
    expect(await copy.locator('.badge').textContent()).toBe('draft');
    await shot('07-journeys');
    page.once('dialog', (d) => void d.accept());
    await copy.getByRole('button', { name: 'Archive' }).click();
    await copy.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Templates' }).click();
    await page.locator('.template').first().waitFor();
    await shot('08-templates');
    await page.locator('.template').first().getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('dialog', { name: /Preview of/ });
    await preview.locator('.jnode').first().waitFor();
    await shot('08-template-preview', { width: 1920, height: 1080 });
    await page.setViewportSize({ width: 1280, height: 800 });
    await preview.getByRole('button', { name: 'Use template' }).click();
    await page.locator('.editor .jnode').first().waitFor();
    expect(await page.locator('.editor .jnode').count()).toBeGreaterThan(2);
    expect(await page.locator('.editor-title .badge').textContent()).toBe('draft');
    await page.waitForTimeout(500);
    // The imported condition node's segment rule opens in the condition editor and counts its audience.
    await page.locator('.editor .jnode[data-node-type="condition.segment"]').first().click();
    // Saved segments are offered by name while typing one.
    expect(await page.locator('[data-field="segment"] datalist option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['pro-customers']);
    await page.getByRole('button', { name: 'Count matching customers' }).click();
    await page.getByRole('status').getByText(/customers? match now/).waitFor();
    await shot('09-imported-template');
    // Email templates render live for a sample customer.
    await page.locator('.editor .jnode[data-node-type="action.email"]').first().click();
    await page.locator('[data-field="subject"]').getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => page.getByTestId('preview-subject').locator('pre').textContent()).toMatch(/\S/);
    expect(await page.getByTestId('preview-subject').locator('pre').textContent()).not.toContain('{{');
    await page.locator('[data-field="html"]').getByRole('button', { name: 'Preview' }).click();
    await page.getByTestId('preview-html').locator('iframe').waitFor();
    await shot('11-email-preview');

    // An A/B split's ports follow its variants: adding one draws a new output handle.
    await page.getByLabel('Search nodes').fill('a/b');
    await page.locator('.palette-item[data-type="split.ab"]').dragTo(page.locator('.react-flow__pane'), { targetPosition: { x: 200, y: 560 } });
    await page.getByLabel('Search nodes').fill('');
    const split = node('split-ab-1');
    await expect.poll(() => split.locator('.react-flow__handle.source').evaluateAll((hs) => hs.map((h) => h.getAttribute('data-handleid')))).toEqual(['a', 'b']);
    await page.getByRole('button', { name: '+ Add row' }).click();
    await page.getByLabel('name 3').fill('c');
    await expect.poll(() => split.locator('.react-flow__handle.source').evaluateAll((hs) => hs.map((h) => h.getAttribute('data-handleid')))).toEqual(['a', 'b', 'c']);
    await page.getByLabel('Holdout share').fill('0.1');
    await expect.poll(() => split.locator('.react-flow__handle.source').count()).toBe(4);
    await shot('09-imported-template', { width: 1920, height: 1080 });
  });

  it('charts the customer base from the scoring job', async () => {
    // A year of orders from 60 customers with different habits, then one scoring run.
    const orders = Array.from({ length: 60 }, (_, c) => {
      const every = 20 + (c % 7) * 15;
      const count = 1 + (c % 6);
      return Array.from({ length: count }, (_, k) => ({ customerId: `o-${c}`, orderId: `o-${c}-${k}`, orderedAt: daysAgo(5 + (c % 11) * 9 + k * every).toISOString(), amount: 15 + ((c * 37 + k * 11) % 120) }));
    }).flat();
    await recordOrders(storage, clock, orders);
    await runScoringJob(storage, clock);

    await page.goto(`${server.url}/#/insights`);
    await page.getByRole('heading', { name: 'Insights', exact: true }).waitFor();
    await page.locator('.recharts-bar-rectangle').first().waitFor();
    const rfmTotal = (await page.locator('.rfm-cell').allTextContents()).reduce((s, t) => s + Number(t.replace(/,/g, '')), 0);
    expect(rfmTotal).toBeGreaterThan(0);
    await shot('10-insights');
    await shot('10-insights', { width: 1920, height: 1080 });
  });
  it('creates a segment visually and sees its live count', async () => {
    await page.goto(`${server.url}/#/segments`);
    await page.getByRole('heading', { name: 'Segments' }).waitFor();
    await page.getByLabel('Segment name').fill('repeat-buyers');
    await page.getByLabel('repeat', { exact: true }).check();
    const expected = await new SegmentService(storage).count({ all: [{ lifecycle: ['repeat'] }] }, clock.now());
    expect(expected).toBeGreaterThan(0);
    const live = page.getByRole('status', { name: 'Live count' });
    await expect.poll(() => live.textContent()).toMatch(new RegExp(`^${expected.toLocaleString('en-US')} customers? match now`));
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.waitForURL(/#\/segments\/repeat-buyers$/);
    expect((await storage.segments.get('repeat-buyers'))!.definition).toEqual({ all: [{ lifecycle: ['repeat'] }] });
    await page.getByRole('link', { name: 'repeat-buyers' }).waitFor();
    await shot('11-segments');
  });

  it('finds a customer by email and opens the profile', async () => {
    await page.goto(`${server.url}/#/customers`);
    await page.getByLabel('Search customers').fill('c3@example');
    await page.getByRole('link', { name: /c-3/ }).click();
    await page.getByRole('heading', { name: 'c-3' }).waitFor();
    await expect.poll(() => page.getByRole('region', { name: 'Recent events' }).textContent()).toMatch(/purchase/);
    await shot('12-customer-profile');
  });

  it('reads the lifecycle KPIs of the demo shop', async () => {
    await page.goto(`${server.url}/#/kpis`);
    const aov = page.getByRole('article', { name: 'Average order value' });
    await expect.poll(() => aov.locator('.kpi-value').textContent()).toMatch(/^\d[\d,]*\.\d\d$/);
    expect(await aov.getAttribute('title')).toMatch(/revenue ÷ orders/);
    await page.getByLabel('Split by').selectOption('lifecycle');
    await page.getByRole('region', { name: 'Split' }).waitFor();
    await shot('13-kpis', { width: 1920, height: 1080 });
  });
});

describe('safe publishing in Chromium', () => {
  const promo = {
    id: 'promo',
    name: 'Promo',
    nodes: [
      { id: 'start', type: 'trigger.event', config: { event: 'signup' }, position: { x: 0, y: 0 } },
      { id: 'mail', type: 'action.email', config: { subject: 'Hello {{default customer.first_name "there"}}', html: '<p>New in at the shop</p>', from: 'Shop <shop@example.org>' }, position: { x: 0, y: 160 } },
    ],
    edges: [{ id: 'e1', source: 'start', sourceHandle: 'next', target: 'mail' }],
  };

  it('refuses to publish a journey whose email is not configured, saying so in the publish dialog', async () => {
    await storage.journeys.saveDraft({ id: promo.id, name: promo.name, draft: promo }, clock.now().getTime());
    await page.goto(`${server.url}/#/journeys/promo`);
    await node('mail').waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish journey' });
    const blocked = dialog.getByTestId('checklist-block');
    await blocked.waitFor();
    expect(await blocked.textContent()).toContain('email is not configured, so nothing this journey sends would be delivered ("mail"): set FORESIGHT_SMTP_URL');
    expect(await dialog.getByRole('button', { name: 'Publish now' }).isDisabled()).toBe(true);
    await shot('p1-publish-blocked', { width: 1440, height: 900 });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await storage.journeys.get('promo'))!.status).toBe('draft');
  });

  it('sends a test of an email node that arrives at a real SMTP sink', async () => {
    const smtp = await startTestSmtp();
    const config = loadConfig({ PORT: '0', FORESIGHT_LOG_LEVEL: 'silent', FORESIGHT_SMTP_URL: smtp.url, FORESIGHT_MAIL_FROM: 'Shop <shop@example.org>', FORESIGHT_SECRET: 'x'.repeat(40), FORESIGHT_PUBLIC_URL: 'http://127.0.0.1:1' });
    const mailing = await startServer({ config, storage, clock, host: '127.0.0.1', logger: pino({ level: 'silent' }), builderDir: path.join(dir, 'dist'), scheduler: false });
    try {
      // Cookies are per host, not per port, and both servers share the database: still signed in.
      await page.goto(`${mailing.url}/#/journeys/promo`);
      await node('mail').click();
      await page.getByLabel('Send to').fill('marketer@example.org');
      await page.getByLabel(/With the data of customer/).fill('c-1');
      await page.getByRole('button', { name: 'Send test' }).click();
      await page.getByTestId('test-send-result').getByText('Sent “[Test] Hello there” to marketer@example.org.').waitFor();
      await expect.poll(() => smtp.mails.length).toBe(1);
      expect(smtp.mails[0]!.subject).toBe('[Test] Hello there');
      expect(String(smtp.mails[0]!.html)).toContain('New in at the shop');
      await shot('p2-test-send', { width: 1440, height: 900 });
      // Nothing of the test is counted: no outbox entry, no send logged.
      expect(await storage.outbox.list({})).toEqual(expect.not.arrayContaining([expect.objectContaining({ journeyId: 'promo' })]));
      await page.goto(`${mailing.url}/#/brand`);
      await page.getByRole('heading', { name: 'Brand' }).waitFor();
      await shot('p3-brand', { width: 1440, height: 900 });
    } finally {
      await mailing.close();
      await smtp.close();
    }
  });
});
