import { afterEach, describe, expect, it } from 'vitest';
import { Scheduler } from '../scheduler/scheduler.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { registerNodeJobs } from './index.ts';

let h: Harness;
let scheduler: Scheduler | undefined;
afterEach(async () => {
  await scheduler?.stop();
  await h.close();
});

async function until(check: () => Promise<boolean>, ms = 8000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('registerNodeJobs', () => {
  it('runs segment refresh and anniversaries on the scheduler and reports a broken segment', async () => {
    h = createHarness({ start: '2024-05-17T12:00:00Z' });
    await h.storage.segments.save({ name: 'germans', definition: { attribute: 'country', op: 'eq', value: 'DE' } }, 0);
    await h.storage.segments.save({ name: 'broken', definition: { score: 'churn' } }, 0);
    await h.identify([
      { customerId: 'de', attributes: { country: 'DE' } },
      { customerId: 'bday', attributes: { birthday: '1990-05-17' } },
    ]);
    await h.journeys.deploy({ id: 'seg', name: 'Seg', nodes: [{ id: 't', type: 'trigger.segment', config: { segment: 'germans' } }], edges: [] });
    await h.journeys.deploy({ id: 'bd', name: 'Birthday', nodes: [{ id: 't', type: 'trigger.date', config: { attribute: 'birthday', hour: 9 } }], edges: [] });
    const errors: string[] = [];
    scheduler = new Scheduler({ engine: h.engine, clock: h.clock, pollMs: 20, onError: (err, where) => errors.push(`${where}: ${String(err)}`) });
    const everySecond = '* * * * * *';
    registerNodeJobs(scheduler, h, { 'segments.refresh': everySecond, 'segments.events': everySecond, anniversaries: everySecond });
    scheduler.start();
    await until(async () => (await h.runsOf('de')).length === 1 && (await h.runsOf('bday')).length === 1);
    await until(async () => errors.some((e) => e.startsWith('job segments.refresh') && e.includes('segment "broken"')));
    // The German entered the segment journey, the birthday customer the anniversary one; nobody both.
    expect((await h.runsOf('de')).map((r) => r.journeyId)).toEqual(['seg']);
    expect((await h.runsOf('bday')).map((r) => r.journeyId)).toEqual(['bd']);
  });
});
