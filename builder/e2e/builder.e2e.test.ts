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
/** Signs in on the server at `base` (a session cookie serves every port of the host, so the last sign-in wins). */
async function signIn(base: string) {
  await page.goto(base);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Journeys', exact: true }).waitFor();
}

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
    // The replay takes 8–14 s on a quiet machine, longer on a loaded one; the progress bar shows meanwhile.
    await dialog.getByTestId('backtest-result').waitFor({ timeout: 90_000 });
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

describe('builder in Chromium: incremental lift', () => {
  /** A journey `event` → `next` (goal: a purchase within 7 days), saved as a draft and opened in the editor. */
  async function openDraft(id: string, event: string, next: { id: string; type: string; config: Record<string, unknown> }) {
    const graph = {
      id,
      name: id,
      settings: { reentry: 'once', goal: { event: 'purchase', within: '7d' }, exitOn: [] } as Record<string, unknown>,
      nodes: [
        { id: 'start', type: 'trigger.event', config: { event } as Record<string, unknown>, position: { x: 80, y: 120 } },
        { ...next, position: { x: 80, y: 320 } },
      ],
      edges: [{ id: 'e1', source: 'start', sourceHandle: 'next', target: next.id }],
    };
    await storage.journeys.saveDraft({ id, name: id, draft: graph }, clock.now().getTime());
    await page.goto(`${server.url}/#/journeys/${id}`);
    await page.locator('.jnode').first().waitFor();
    return graph;
  }

  it('sets a holdout in the journey panel, publishes, and reads the lift report in the Numbers tab', async () => {
    const graph = await openDraft('lift-welcome', 'lift_signup', { id: 'pause', type: 'wait.delay', config: { duration: '1d' } });
    await page.getByRole('tab', { name: 'Journey' }).click();
    await page.getByLabel('Holdout (%)').fill('30');
    await page.keyboard.press('Control+s');
    await page.locator('[data-save-state="saved"]').waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('dialog', { name: 'Publish journey' }).getByRole('button', { name: 'Publish now' }).click();
    await page.getByRole('status').getByText('Published version 1').waitFor();
    expect(((await storage.journeys.version(graph.id, 1))!.graph as typeof graph).settings.holdout).toBe(30);

    // 300 sign-ups; a minute later every third of them buys, whichever group they are in.
    const ids = Array.from({ length: 300 }, (_, i) => `lift-${i}`);
    await trackEvents(storage, clock, ids.map((id) => ({ customerId: id, type: 'lift_signup' })));
    await server.engine.runUntilIdle();
    clock.advance(60_000);
    await recordOrders(storage, clock, ids.filter((_, i) => i % 3 === 0).map((id) => ({ customerId: id, orderId: `lift-o-${id}`, orderedAt: clock.now().toISOString(), amount: 25 })));
    await server.engine.runUntilIdle();

    await page.getByRole('tab', { name: 'Numbers' }).click();
    const report = page.getByRole('region', { name: 'Lift: journey' });
    const groups = report.getByRole('table', { name: 'Treated and held out' });
    await expect.poll(() => groups.locator('tbody tr').allTextContents(), { timeout: 15_000 }).toHaveLength(2);
    const held = (await storage.runs.countByStatus(graph.id)).exited ?? 0;
    expect(held).toBeGreaterThan(50);
    await expect.poll(() => groups.getByText('Held out').locator('xpath=..').textContent(), { timeout: 15_000 }).toContain(`Held out${held}`);
    await report.getByRole('table', { name: 'Lift with 95% intervals' }).waitFor();
    expect(await report.textContent()).toMatch(/Incremental revenue: -?[\d,]+\.\d\d/);
    expect(await report.textContent()).toMatch(/more customers needed to detect a 10% relative change|Enough customers to detect/);
    // Tall enough for the whole Numbers panel, lift report included.
    await shot('14-lift-report', { width: 1280, height: 1500 });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('declares an A/B winner from the Numbers tab: a new version sends everyone to it', async () => {
    const graph = await openDraft('lift-ab', 'ab_signup', { id: 'offer', type: 'split.ab', config: { variants: [{ name: 'a', weight: 50 }, { name: 'b', weight: 50 }] } });
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('dialog', { name: 'Publish journey' }).getByRole('button', { name: 'Publish now' }).click();
    await page.getByRole('status').getByText('Published version 1').waitFor();
    await trackEvents(storage, clock, Array.from({ length: 20 }, (_, i) => ({ customerId: `ab-${i}`, type: 'ab_signup' })));
    await server.engine.runUntilIdle();

    await page.getByRole('tab', { name: 'Numbers' }).click();
    await page.getByRole('button', { name: 'Declare b the winner' }).click({ timeout: 15_000 });
    await page.getByRole('status').getByText('Published version 2').waitFor();
    expect(((await storage.journeys.version(graph.id, 2))!.graph as typeof graph).nodes[1]!.config).toMatchObject({ winner: 'b' });
    await trackEvents(storage, clock, Array.from({ length: 10 }, (_, i) => ({ customerId: `ab-late-${i}`, type: 'ab_signup' })));
    await server.engine.runUntilIdle();
    const ports = (await storage.runs.counters(graph.id)).filter((c) => c.version === 2 && c.nodeId === 'offer' && c.key.startsWith('port:'));
    expect(ports).toEqual([{ version: 2, nodeId: 'offer', key: 'port:b', count: 10 }]);
  });
});

describe('moving waiting customers to a new version', () => {
  it('publishes a new version of a live journey and migrates its waiting customers through the dialog', async () => {
    // Loaded here so this block leaves the shared imports above alone.
    const { JourneyService } = await import('../../engine/journeys.ts');
    const { builtinRegistry } = await import('../../nodes/index.ts');
    const journeys = new JourneyService(storage, builtinRegistry(), clock);
    const doc = (waitId: string) => ({
      id: 'reminder',
      name: 'Reminder',
      nodes: [
        { id: 't', type: 'trigger.event', config: { event: 'cart_add' }, position: { x: 80, y: 120 } },
        { id: waitId, type: 'wait.delay', config: { duration: '3d' }, position: { x: 340, y: 240 } },
        { id: 'x', type: 'flow.exit', config: { reason: 'done' }, position: { x: 600, y: 360 } },
      ],
      edges: [
        { id: 'e1', source: 't', sourceHandle: 'next', target: waitId },
        { id: 'e2', source: waitId, sourceHandle: 'next', target: 'x' },
      ],
    });
    await journeys.deploy(doc('wait-old'));
    await trackEvents(storage, clock, ['c-1', 'c-2', 'c-3'].map((customerId) => ({ customerId, type: 'cart_add' })));
    await server.engine.runUntilIdle();
    expect(await storage.runMoves.waiting('reminder', 1)).toEqual([{ nodeId: 'wait-old', count: 3 }]);
    // The marketer's edit: the wait is replaced by one with a new id (same settings).
    await journeys.saveDraft(doc('wait'));

    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${server.url}/#/journeys/reminder`);
    await node('wait').waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('dialog', { name: 'Publish journey' }).getByRole('button', { name: 'Publish now' }).click();
    const dialog = page.getByRole('dialog', { name: 'Move waiting customers' });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByTestId('runs-wait-old').textContent()).toBe('3');
    // Removed node: it starts on "stay"; choose the new wait.
    await dialog.getByLabel('Target for wait-old').selectOption('wait');
    await expect.poll(() => dialog.locator('tr[data-node="wait-old"]').textContent()).toMatch(/move to "wait" in v2, same due time/);
    await shot('14-migrate-dialog');
    await dialog.getByRole('button', { name: 'Move 3 customers' }).click();
    await page.getByRole('status').getByText('Moved 3 customers to v2').waitFor();
    const runs = await Promise.all(['c-1', 'c-2', 'c-3'].map(async (c) => (await storage.runs.forCustomer((await storage.customers.byExternalId(c))!.id)).find((r) => r.journeyId === 'reminder')));
    expect(runs.map((r) => [r?.version, r?.nodeId, r?.status])).toEqual([
      [2, 'wait', 'waiting'],
      [2, 'wait', 'waiting'],
      [2, 'wait', 'waiting'],
    ]);
  });
});

describe('message analytics in Chromium (real SMTP sink)', () => {
  // A second server, configured with a real SMTP sink and a frequency cap of one marketing email a week.
  let mailDir: string;
  let mailStorage: SqliteStorage;
  let mailServer: RunningServer;
  let smtp: Awaited<ReturnType<typeof import('../../engine/messaging/test-smtp.ts').startTestSmtp>>;

  beforeAll(async () => {
    const { startTestSmtp } = await import('../../engine/messaging/test-smtp.ts');
    const { freePort } = await import('../../engine/http/test-server.ts');
    const { JourneyService } = await import('../../engine/journeys.ts');
    const { builtinRegistry } = await import('../../nodes/index.ts');
    smtp = await startTestSmtp();
    // The public URL in the mails' tracking links must name the port before the server starts.
    const port = await freePort();
    mailDir = mkdtempSync(path.join(tmpdir(), 'foresight-e2e-mail-'));
    mailStorage = openSqlite(path.join(mailDir, 'mail.db'));
    const config = loadConfig({
      FORESIGHT_ADMIN_EMAIL: ADMIN.email, FORESIGHT_ADMIN_PASSWORD: ADMIN.password, PORT: String(port), FORESIGHT_LOG_LEVEL: 'silent',
      FORESIGHT_SMTP_URL: smtp.url, FORESIGHT_MAIL_FROM: 'Shop <news@shop.example>', FORESIGHT_PUBLIC_URL: `http://127.0.0.1:${port}`, FORESIGHT_SECRET: 'e2e-analytics-secret-0123456789abcdef',
      FORESIGHT_FREQUENCY_CAP_MAX: '1', FORESIGHT_FREQUENCY_CAP_WINDOW: '7d',
    });
    mailServer = await startServer({ config, storage: mailStorage, clock, host: '127.0.0.1', logger: pino({ level: 'silent' }), builderDir: path.join(dir, 'dist'), scheduler: false });
    const service = new JourneyService(mailStorage, builtinRegistry(), clock);
    await service.saveDraft({
      id: 'subject-test', name: 'Subject test', settings: { reentry: 'once', exitOn: [], goal: { event: 'purchase', within: '7d' } },
      nodes: [
        { id: 't', type: 'trigger.event', typeVersion: 1, config: { event: 'browse' }, position: { x: 0, y: 0 } },
        { id: 'ab', type: 'split.ab', typeVersion: 1, name: 'Subject line test', config: { variants: [{ name: 'question-subject', weight: 50 }, { name: 'discount-in-subject', weight: 50 }] }, position: { x: 320, y: 0 } },
        { id: 'x', type: 'flow.exit', typeVersion: 1, config: {}, position: { x: 640, y: 0 } },
      ],
      edges: [
        { id: 'e1', source: 't', sourceHandle: 'next', target: 'ab' },
        { id: 'e2', source: 'ab', sourceHandle: 'question-subject', target: 'x' },
        { id: 'e3', source: 'ab', sourceHandle: 'discount-in-subject', target: 'x' },
      ],
    });
    await service.saveDraft({
      id: 'welcome', name: 'Welcome', settings: { reentry: 'always', exitOn: [], goal: { event: 'purchase', within: '3d' } },
      nodes: [
        { id: 't', type: 'trigger.event', typeVersion: 1, config: { event: 'signup' }, position: { x: 0, y: 0 } },
        { id: 'mail', type: 'action.email', typeVersion: 1, name: 'Day 1: welcome', config: { subject: 'Welcome', html: '<p>Hello <a href="https://shop.test/new">see what is new</a></p>' }, position: { x: 320, y: 0 } },
        { id: 'x', type: 'flow.exit', typeVersion: 1, config: {}, position: { x: 640, y: 0 } },
      ],
      edges: [
        { id: 'e1', source: 't', sourceHandle: 'next', target: 'mail' },
        { id: 'e2', source: 'mail', sourceHandle: 'next', target: 'x' },
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await mailServer?.close();
    await smtp?.close();
    if (mailDir) rmSync(mailDir, { recursive: true, force: true });
    // Cookies are per host, not per port: this server's session replaced the main one's.
    await signIn(server.url);
  });

  it('shows sent / opened / clicked / revenue on the email node, a frequency-cap skip under its reason, and the delivery log', async () => {
    await signIn(mailServer.url);
    await page.goto(`${mailServer.url}/#/journeys/welcome`);
    await node('mail').waitFor();
    expect(await node('mail').locator('.jnode-title').textContent()).toBe('Day 1: welcome');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('dialog', { name: 'Publish journey' }).getByRole('button', { name: 'Publish now' }).click();
    await page.getByRole('status').getByText('Published version 1').waitFor();

    await identifyCustomers(mailStorage, clock, [
      { customerId: 'ann', email: 'ann@example.com', consent: { email: true } },
      { customerId: 'bob', email: 'bob@example.com', consent: { email: true } },
    ]);
    await trackEvents(mailStorage, clock, [{ customerId: 'ann', type: 'signup' }, { customerId: 'bob', type: 'signup' }]);
    await mailServer.engine.runUntilIdle();
    expect(smtp.mails).toHaveLength(2);
    // Ann opens (the open pixel), clicks and orders; her second signup meets the weekly cap.
    const html = smtp.mails.find((m) => (m.to as { text: string }).text === 'ann@example.com')!.html as string;
    const link = (kind: string) => new RegExp(`(http://127\\.0\\.0\\.1:\\d+/t/${kind}/[^"]+)"`).exec(html)![1]!.replace(/&amp;/g, '&');
    expect((await fetch(link('open'))).status).toBe(200);
    expect((await fetch(link('click'), { redirect: 'manual' })).status).toBe(302);
    await recordOrders(mailStorage, clock, [{ customerId: 'ann', orderId: 'w-1', orderedAt: clock.now().toISOString(), amount: 64.5 }]);
    await trackEvents(mailStorage, clock, [{ customerId: 'ann', type: 'signup' }]);
    await mailServer.engine.runUntilIdle();
    expect(smtp.mails).toHaveLength(2);

    const counts = node('mail').getByTestId('node-messages');
    await expect.poll(() => counts.textContent(), { timeout: 12_000 }).toBe('2 sent1 opened1 clicked0 failed⚠ 1');
    expect(await node('mail').locator('.jnode-warn').getAttribute('aria-label')).toBe('Needs a look: 1 skipped: frequency cap');
    await shot('14-message-counts', { width: 1440, height: 900 });

    await page.getByRole('tab', { name: 'Numbers' }).click();
    await expect.poll(() => page.getByTestId('journey-revenue').textContent()).toContain('64.50');
    const table = page.getByRole('table', { name: 'Messages of Day 1: welcome' });
    expect(await table.locator('[data-metric="sent"]').textContent()).toBe('Sent22 recipients');
    expect(await table.locator('[data-metric="opened"]').textContent()).toBe('Opened150.0% of sent');
    expect(await table.locator('[data-metric="revenue"]').textContent()).toBe('Revenue64.5032.25 per recipient');
    expect(await page.getByRole('list', { name: 'Skip reasons of Day 1: welcome' }).textContent()).toBe('frequency cap 1');
    await page.getByRole('list', { name: 'Funnel' }).getByText('Day 1: welcome').waitFor();
    await page.getByRole('region', { name: 'Messages' }).scrollIntoViewIfNeeded();
    await shot('15-numbers-messages', { width: 1440, height: 900 });

    const log = page.getByRole('region', { name: 'Delivery log' });
    await log.getByLabel('Outcome').selectOption('skipped');
    await expect.poll(() => log.getByRole('list', { name: 'Deliveries' }).locator('li').count()).toBe(1);
    expect(await log.getByRole('list', { name: 'Deliveries' }).textContent()).toContain('frequency cap: 1 marketing emails in the last 7d (max 1)');
    await log.scrollIntoViewIfNeeded();
    await shot('16-delivery-log', { width: 1440, height: 900 });
  });

  it('fits the A/B panel at 1440 px and says "not enough data" with a handful of customers, with revenue per variant', async () => {
    await page.goto(`${mailServer.url}/#/journeys/subject-test`);
    await node('ab').waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('dialog', { name: 'Publish journey' }).getByRole('button', { name: 'Publish now' }).click();
    await page.getByRole('status').getByText('Published version 1').waitFor();
    const people = Array.from({ length: 6 }, (_, i) => `ab-${i}`);
    await identifyCustomers(mailStorage, clock, people.map((customerId) => ({ customerId })));
    await trackEvents(mailStorage, clock, people.map((customerId) => ({ customerId, type: 'browse' })));
    await recordOrders(mailStorage, clock, [{ customerId: 'ab-0', orderId: 'ab-o1', orderedAt: clock.now().toISOString(), amount: 30 }]);
    await mailServer.engine.runUntilIdle();

    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole('tab', { name: 'Numbers' }).click();
    const table = page.getByRole('table', { name: 'Experiment results' });
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 12_000 }).toBe(2);
    await expect.poll(async () => Number((await table.locator('tbody').textContent())!.match(/(\d+) customers/g)!.reduce((n, t) => n + Number(t.split(' ')[0]), 0)), { timeout: 12_000 }).toBe(6);
    expect(await table.locator('tbody tr').nth(1).locator('td').last().textContent()).toBe('not enough data');
    expect(await table.textContent()).not.toContain('P(beat)');
    expect(await table.textContent()).toContain('30.00');
    // Nothing clipped: the table ends inside the side panel.
    const side = (await page.locator('.side').boundingBox())!;
    const box = (await table.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(side.x + side.width);
    expect(await page.locator('.side .panel-body').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await table.scrollIntoViewIfNeeded();
    await shot('17-ab-panel', { width: 1440, height: 900 });
  });
});

describe('first views fit the journey (issue 16)', () => {
  /** The zoom React Flow shows in `scope` (from the viewport's transform) and how many nodes lie wholly inside its pane. */
  async function view(scope: string) {
    const transform = (await page.locator(`${scope} .react-flow__viewport`).getAttribute('style')) ?? '';
    const zoom = Number(/scale\(([\d.]+)\)/.exec(transform)?.[1]);
    const pane = (await page.locator(`${scope} .react-flow`).boundingBox())!;
    const boxes = await page.locator(`${scope} .jnode`).evaluateAll((ns) => ns.map((n) => n.getBoundingClientRect().toJSON() as DOMRect));
    const inside = boxes.filter((b) => b.left >= pane.x - 1 && b.right <= pane.x + pane.width + 1 && b.top >= pane.y - 1 && b.bottom <= pane.y + pane.height + 1);
    return { zoom, nodes: boxes.length, inside: inside.length };
  }

  it('template preview shows every node, at 1440 and 1920 px', async () => {
    for (const size of [{ width: 1440, height: 900 }, { width: 1920, height: 1080 }]) {
      await page.setViewportSize(size);
      for (const id of ['welcome-series', 'nps-follow-up']) {
        await page.goto(`${server.url}/#/templates`);
        await page.locator(`.template[data-template="${id}"]`).getByRole('button', { name: 'Preview' }).click();
        const preview = page.getByRole('dialog', { name: /Preview of/ });
        await preview.locator('.jnode').first().waitFor();
        // Every node of the template drawn and wholly inside the preview (it opened at 2× on the trigger alone).
        await expect.poll(async () => (await view('.modal')).inside, { timeout: 5000 }).toBe((await view('.modal')).nodes);
        expect((await view('.modal')).nodes).toBeGreaterThan(10);
        await shot(`14-template-preview-${id}`, size);
        await preview.getByRole('button', { name: 'Close' }).click();
      }
    }
  });

  it('first canvas view shows every node at ≥ 0.8 zoom at 1440×900', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${server.url}/#/templates`);
    await page.locator('.template[data-template="welcome-series"]').getByRole('button', { name: 'Use template' }).click();
    await page.locator('.editor .jnode').first().waitFor();
    // The first view settles once React Flow has measured the nodes: wait for it, then read it.
    await expect.poll(async () => (await view('.editor')).inside, { timeout: 10_000 }).toBe(11);
    const v = await view('.editor');
    expect(v.zoom).toBeGreaterThanOrEqual(0.8);
    expect(v.nodes).toBe(11);
    await shot('15-first-canvas-view', { width: 1440, height: 900 });
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
