import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.ts';
import { recordOrders } from '../../ingest/ingest.ts';
import { CDNOW_SAMPLE, loadCdnowSample, PUBLISHED_BGNBD, PUBLISHED_GAMMA_GAMMA } from '../../models/cdnow.fixture.ts';
import { openSqlite } from '../../storage/sqlite/index.ts';

const bin = path.resolve(import.meta.dirname, '../../../bin/foresight.js');
const dir = mkdtempSync(path.join(tmpdir(), 'foresight-models-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
  });
}

const calibration = ['--calibration-end', '1997-09-30', '--time-unit', 'week'];

function expectWithin(actual: number, expected: number, relative: number): void {
  expect(Math.abs(actual / expected - 1)).toBeLessThan(relative);
}

describe('foresight models fit', () => {
  it('reproduces the published CDNOW BG/NBD and Gamma-Gamma estimates as JSON', async () => {
    const r = await cli(['models', 'fit', '--orders', CDNOW_SAMPLE, ...calibration, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['customers', 'bgnbd', 'gammaGamma']);
    expect(Object.keys(out.bgnbd).sort()).toEqual(['a', 'alpha', 'b', 'logLik', 'r']);
    expect(Object.keys(out.gammaGamma).sort()).toEqual(['gamma', 'p', 'q']);
    expect(out.customers).toBe(2357);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expectWithin(out.bgnbd[k], PUBLISHED_BGNBD[k], 0.005);
    expect(out.bgnbd.logLik).toBeCloseTo(-9582.4, 1);
    for (const k of ['p', 'q', 'gamma'] as const) expectWithin(out.gammaGamma[k], PUBLISHED_GAMMA_GAMMA[k], 0.005);
  });

  it('reports malformed rows with their line numbers, fits on the rest and says how many it skipped', async () => {
    const clean = readFileSync(CDNOW_SAMPLE, 'utf8').trimEnd();
    const eol = clean.includes('\r\n') ? '\r\n' : '\n';
    const lines = clean.split(eol).length; // header + 6,919 orders
    const file = path.join(dir, 'with-bad-rows.csv');
    writeFileSync(file, [clean, 'z1,bad1,1997-02-30,10,1', 'z2,bad2,1997-03-01,ten,1', ''].join(eol));
    const r = await cli(['models', 'fit', '--orders', file, ...calibration, '--json']);
    expect(r.code).toBe(0);
    const errors = r.stderr.trim().split('\n');
    expect(errors[0]).toBe(`${file}:${lines + 1}: ordered_at: "1997-02-30" is not a date (YYYY-MM-DD)`);
    expect(errors[1]).toBe(`${file}:${lines + 2}: amount: "ten" is not a number`);
    expect(errors[2]).toMatch(/skipped 2 malformed rows; the models use the other 6919 orders/);
    const out = JSON.parse(r.stdout);
    expect(out.customers).toBe(2357);
    expectWithin(out.bgnbd.r, PUBLISHED_BGNBD.r, 0.005);
  });

  it('prints a readable summary without --json', async () => {
    const r = await cli(['models', 'fit', '--orders', CDNOW_SAMPLE, ...calibration]);
    expect(r.stdout).toMatch(/^customers: 2357 \(calibration end 1997-09-30, time unit week\)\nBG\/NBD: r = 0\.24\d\d/);
  });

  it('names the flag of bad input and exits 2', async () => {
    const bad = await cli(['models', 'fit', '--orders', CDNOW_SAMPLE, '--time-unit', 'month']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--time-unit: "month" is not a time unit; use "day" or "week"/);
    const early = await cli(['models', 'fit', '--orders', CDNOW_SAMPLE, '--calibration-end', '1990-01-01']);
    expect(early.stderr).toMatch(/--calibration-end: no orders on or before 1990-01-01/);
  });
});

describe('foresight models predict', () => {
  it('writes the contract columns, one row per customer, with the published per-customer values', async () => {
    const out = path.join(dir, 'predictions.csv');
    const r = await cli(['models', 'predict', '--orders', CDNOW_SAMPLE, ...calibration, '--horizon', '39', '--model', 'bgnbd', '--out', out]);
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n')[0]!.startsWith(
      'customer_id,x,t_x,T,p_alive,expected_purchases,churn_probability,purchase_probability_30d,purchase_probability_90d,next_purchase_at,next_purchase_low,next_purchase_high,clv,lifecycle_stage,value_tier,rfm_segment,model',
    )).toBe(true);
    expect(text).not.toMatch(/avg_order_value/);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2357);
    // FHL 2005's worked example: customer 1 (x = 2, t_x = 30.43, T = 38.86) is alive with
    // probability 0.7266 and expected to make 1.226 purchases in weeks 40–78.
    const c1 = rows.find((row) => row.customer_id === 'c1')!;
    expect(Number(c1.x)).toBe(2);
    expect(Number(c1.t_x)).toBeCloseTo(30.43, 2);
    expect(Number(c1.T)).toBeCloseTo(38.86, 2);
    expect(Number(c1.p_alive)).toBeCloseTo(0.7266, 3);
    expect(Number(c1.expected_purchases)).toBeCloseTo(1.226, 2);
    expect(c1.model).toBe('bgnbd');
    // The holdout check of the paper: 1,882 actual repeat purchases, the model within 15%.
    const predicted = rows.reduce((s, row) => s + Number(row.expected_purchases), 0);
    expect(Math.abs(predicted / 1882 - 1)).toBeLessThan(0.15);
    for (const row of rows) {
      for (const key of ['churn_probability', 'purchase_probability_30d', 'purchase_probability_90d', 'p_alive']) {
        expect(Number(row[key])).toBeGreaterThanOrEqual(0);
        expect(Number(row[key])).toBeLessThanOrEqual(1);
      }
      // Dates are days inside the 39-week horizon, or empty (unknown) — never a 10-year date.
      for (const key of ['next_purchase_at', 'next_purchase_low', 'next_purchase_high']) {
        if (row[key] === '') continue;
        expect(row[key]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(row[key]! > '1997-09-30' && row[key]! <= '1998-06-30').toBe(true);
      }
    }
    // Under BG/NBD one-time buyers are "alive", yet they get a churn probability and can be at risk.
    const oneTime = rows.filter((x) => x.x === '0');
    for (const row of oneTime) expect(Number(row.p_alive)).toBe(1);
    expect(Math.min(...oneTime.map((row) => Number(row.churn_probability)))).toBeGreaterThan(0.5);
    expect(oneTime.some((row) => row.lifecycle_stage === 'lapsed' || row.lifecycle_stage === 'at-risk')).toBe(true);
    const high = rows.filter((row) => row.value_tier === 'high').length;
    expect(high / rows.length).toBeGreaterThan(0.19);
    expect(high / rows.length).toBeLessThan(0.23);
  });

  it('uses only orders up to the calibration end, and names the model it chose', async () => {
    const cut = path.join(dir, 'calibration-only.csv');
    const lines = readFileSync(CDNOW_SAMPLE, 'utf8').trim().split('\n');
    writeFileSync(cut, [lines[0], ...lines.slice(1).filter((l) => l.split(',')[2]! <= '1997-09-30')].join('\n') + '\n');
    const all = path.join(dir, 'all.csv');
    const only = path.join(dir, 'only.csv');
    const a = await cli(['models', 'predict', '--orders', CDNOW_SAMPLE, ...calibration, '--horizon', '39', '--out', all]);
    const b = await cli(['models', 'predict', '--orders', cut, ...calibration, '--horizon', '39', '--out', only]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(readFileSync(all, 'utf8')).toBe(readFileSync(only, 'utf8'));
    expect(a.stdout).toMatch(/model (bgnbd|pareto-nbd|mbgnbd): lowest mean absolute error/);
    // A customer who first bought after the cut has no row, and the command says so instead of dropping them silently.
    const newcomer = path.join(dir, 'newcomer.csv');
    const rows = readFileSync(CDNOW_SAMPLE, 'utf8').trim().split(/\r?\n/);
    writeFileSync(newcomer, `${[rows[0], ...rows.slice(1).filter((l) => l.split(',')[2]! <= '1997-09-30'), 'late1,late-o1,1998-01-05,10,1'].join('\n')}\n`);
    const c = await cli(['models', 'predict', '--orders', newcomer, ...calibration, '--horizon', '39', '--out', path.join(dir, 'newcomer-out.csv')]);
    expect(c.code).toBe(0);
    expect(c.stderr).toContain('note: 1 customers first ordered after the calibration end (1997-09-30) and have no row');
    expect(readFileSync(path.join(dir, 'newcomer-out.csv'), 'utf8')).not.toContain('late1');
  });

  it('has --help on each subcommand', async () => {
    for (const sub of ['fit', 'predict', 'evaluate']) {
      const h = await cli(['models', sub, '--help']);
      expect(h.code).toBe(0);
      expect(h.stdout).toMatch(/--orders <csv>/);
    }
  });

  it('evaluate refuses a holdout the file has no orders for, before fitting anything', async () => {
    for (const dates of [['2005-01-01', '2006-01-01'], ['1998-06-01', '2001-06-30']]) {
      const r = await cli(['models', 'evaluate', '--orders', CDNOW_SAMPLE, '--calibration-end', dates[0]!, '--holdout-end', dates[1]!]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`--holdout-end: ${dates[1]} is after the last order in the file (1998-06-30); the days after it hold no data, so give --holdout-end 1998-06-30 or earlier`);
    }
  });

  it('refuses a --calibration-end in the future, writing nothing (it scored 32 years of silence: every customer lapsed)', async () => {
    const out = path.join(dir, 'future.csv');
    const r = await cli(['models', 'predict', '--orders', CDNOW_SAMPLE, '--calibration-end', '2999-01-01', '--horizon', '39', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--calibration-end: 2999-01-01 is in the future \(today is \d{4}-\d{2}-\d{2}\); scores as of then would count the silence until then/);
    expect(existsSync(out)).toBe(false);
  });
  it('rejects a bad horizon', async () => {
    const bad = await cli(['models', 'predict', '--orders', CDNOW_SAMPLE, '--horizon', '0', '--out', path.join(dir, 'x.csv')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--horizon: "0" is not a positive number/);
  });
});

describe('foresight models score', () => {
  it('refuses an --as-of in the future: scores dated years ahead would call every customer lapsed and drive live journeys', async () => {
    const db = path.join(dir, 'future.db');
    const r = await cli(['models', 'score', '--db', db, '--as-of', '2999-01-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--as-of: 2999-01-01 is in the future \(today is \d{4}-\d{2}-\d{2}\); give a past date to backfill, or leave it out to score as of now/);
    const storage = openSqlite(db);
    try {
      expect(await storage.models.latestReport()).toBeNull();
    } finally {
      await storage.close();
    }
  });

  it('says on stderr when the model scores are left blank (too few repeat buyers), not only in the stored report', async () => {
    const db = path.join(dir, 'few.db');
    const setup = openSqlite(db);
    await recordOrders(setup, new VirtualClock('2024-06-01T00:00:00Z'), [
      { customerId: 'a', orderId: 'o1', orderedAt: '2024-01-05T00:00:00Z', amount: 10 },
      { customerId: 'a', orderId: 'o2', orderedAt: '2024-03-05T00:00:00Z', amount: 12 },
      { customerId: 'b', orderId: 'o3', orderedAt: '2024-02-05T00:00:00Z', amount: 30 },
    ]);
    await setup.close();
    const r = await cli(['models', 'score', '--db', db, '--as-of', '2024-06-01']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^scored 2 customers as of 2024-06-01/);
    expect(r.stderr).toContain('warning: only 1 of 2 customers bought again: the purchase-model scores (p_alive, churn, purchase probabilities, next purchase, CLV) are left blank until 10 have');
  });

  it('runs the scoring job on a database on demand and stores every customer\'s scores', async () => {
    const db = path.join(dir, 'score.db');
    const setup = openSqlite(db);
    const { orders } = await loadCdnowSample();
    await recordOrders(
      setup,
      new VirtualClock('1998-07-01T00:00:00Z'),
      orders.map((o) => ({ customerId: o.customerId, orderId: o.orderId, orderedAt: o.orderedAt.toISOString(), amount: o.amount })),
    );
    await setup.close();

    const r = await cli(['models', 'score', '--db', db, '--as-of', '1997-09-30', '--horizon', '39', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ customers: 2357, scoredAt: '1997-09-30T00:00:00.000Z', moved: 2357, woken: 0 });
    expectWithin(report.models.bgnbd.params.r, PUBLISHED_BGNBD.r, 0.01);

    const storage = openSqlite(db);
    try {
      const c1 = await storage.customers.byExternalId('c1');
      const scores = await storage.scores.forCustomer(c1!.id);
      expect(scores).toHaveLength(10);
      expect(scores.every((s) => s.modelVersion === report.version)).toBe(true);
      expect((await storage.models.latestReport())!.version).toBe(report.version);
    } finally {
      await storage.close();
    }
    expect((await cli(['models', 'score', '--help'])).stdout).toMatch(/--as-of <date>/);
  });
});

describe('foresight models fit on too little history', () => {
  it('refuses, exit 2, instead of printing meaningless parameters when too few customers bought again', async () => {
    const few = path.join(dir, 'few.csv');
    writeFileSync(few, 'customer_id,order_id,ordered_at,amount\nc1,o1,2024-01-01,10\nc1,o2,2024-02-01,12\nc2,o3,2024-01-05,20\nc3,o4,2024-01-09,30\nc4,o5,2024-02-10,5\n');
    const r = await cli(['models', 'fit', '--orders', few]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--orders: only 1 of 4 customers bought again by 2024-02-10; the purchase models need at least 10 repeat buyers to estimate anything, so nothing was fitted');
  });

  it('predict refuses a CSV with one customer too, writing no file of made-up scores', async () => {
    const one = path.join(dir, 'one.csv');
    const out = path.join(dir, 'one-predictions.csv');
    writeFileSync(one, 'customer_id,order_id,ordered_at,amount\nc1,o1,1997-01-01,10\nc1,o2,1997-02-01,20\nc1,o3,1997-03-05,15\n');
    const r = await cli(['models', 'predict', '--orders', one, '--horizon', '39', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--orders: only 1 of 1 customers bought again by 1997-03-05; the purchase models need at least 10 repeat buyers');
    expect(() => readFileSync(out)).toThrow(/ENOENT/);
  });

  it('evaluate refuses it as well, instead of printing NaN AUCs from a one-customer fit', async () => {
    const one = path.join(dir, 'one-eval.csv');
    writeFileSync(one, 'customer_id,order_id,ordered_at,amount\nc1,o1,1997-01-01,10\nc1,o2,1997-02-01,20\nc1,o3,1997-03-05,15\n');
    const r = await cli(['models', 'evaluate', '--orders', one, '--calibration-end', '1997-02-15', '--holdout-end', '1997-03-05']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--orders: only 1 of 1 customers bought again by 1997-02-15; the purchase models need at least 10 repeat buyers');
  });
});
