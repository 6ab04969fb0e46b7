import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness.ts';
import { emitAnniversaries } from './anniversaries.ts';

let h: Harness;

const birthdays = {
  id: 'birthday',
  name: 'Birthday',
  settings: { reentry: 'always' },
  nodes: [{ id: 't', type: 'trigger.date', config: { attribute: 'birthday', hour: 9 } }],
  edges: [],
};

beforeEach(() => {
  h = createHarness({ start: '2024-03-08T00:00:00Z' });
});
afterEach(() => h.close());

/** Runs the job every hour (as the server's cron does) until `until`, advancing the engine in between. */
async function hourly(until: string) {
  const end = Date.parse(until);
  while (h.clock.now().getTime() < end) {
    await emitAnniversaries(h.storage, h.clock, h.registry);
    await h.advance('1h');
  }
}

/** When each customer's run left the trigger (the chosen local hour), as UTC ISO text. */
async function sentAt(externalId: string): Promise<string[]> {
  const out: string[] = [];
  for (const run of await h.runsOf(externalId)) {
    for (const x of await h.storage.runs.history(run.id)) if (x.kind === 'port' && x.nodeId === 't') out.push(new Date(x.at).toISOString());
  }
  return out.sort();
}

describe('emitAnniversaries + trigger.date', () => {
  it('enrolls each customer at 09:00 in their own time zone on the anniversary, across a DST change', async () => {
    await h.identify([
      { customerId: 'ny', timezone: 'America/New_York', attributes: { birthday: '1990-03-10' } }, // US DST starts 2024-03-10 02:00
      { customerId: 'tokyo', timezone: 'Asia/Tokyo', attributes: { birthday: '1985-03-10T00:00:00Z' } },
      { customerId: 'utc', attributes: { birthday: '2001-03-10' } },
      { customerId: 'baby', attributes: { birthday: '2024-03-10' } }, // born this year: no anniversary yet
      { customerId: 'other-day', timezone: 'Europe/Berlin', attributes: { birthday: '1990-03-11' } },
      { customerId: 'garbage', attributes: { birthday: 'soon' } },
      { customerId: 'none' },
    ]);
    await h.journeys.deploy(birthdays);
    await hourly('2024-03-12T12:00:00Z');
    expect(await sentAt('ny')).toEqual(['2024-03-10T13:00:00.000Z']); // 09:00 EDT
    expect(await sentAt('tokyo')).toEqual(['2024-03-10T00:00:00.000Z']); // 09:00 JST
    expect(await sentAt('utc')).toEqual(['2024-03-10T09:00:00.000Z']);
    expect(await sentAt('other-day')).toEqual(['2024-03-11T08:00:00.000Z']); // 09:00 CET
    for (const who of ['baby', 'garbage', 'none']) expect(await sentAt(who)).toEqual([]);
    const [run] = await h.runsOf('ny');
    expect((await h.storage.runs.history(run!.id)).find((x) => x.kind === 'wait')?.detail).toMatchObject({ attribute: 'birthday', years: 34, timezone: 'America/New_York', at: '2024-03-10T13:00:00.000Z' });
  });

  it('emits once per customer, attribute and year however often it runs, and again next year', async () => {
    await h.identify([{ customerId: 'c', attributes: { birthday: '1990-03-08' } }]);
    await h.journeys.deploy(birthdays);
    expect(await emitAnniversaries(h.storage, h.clock, h.registry)).toEqual({ emitted: 1 });
    expect(await emitAnniversaries(h.storage, h.clock, h.registry)).toEqual({ emitted: 0 });
    await h.advance('12h');
    expect(await emitAnniversaries(h.storage, h.clock, h.registry)).toEqual({ emitted: 0 });
    h.clock.set(Date.parse('2025-03-08T10:00:00Z'));
    expect(await emitAnniversaries(h.storage, h.clock, h.registry)).toEqual({ emitted: 1 });
    await h.advance(0);
    expect(await sentAt('c')).toEqual(['2024-03-08T09:00:00.000Z', '2025-03-08T10:00:00.000Z']);
  });

  it('celebrates 29 February on 28 February in common years', async () => {
    h.clock.set(Date.parse('2025-02-27T00:00:00Z'));
    await h.identify([{ customerId: 'leap', attributes: { birthday: '2000-02-29' } }]);
    await h.journeys.deploy(birthdays);
    await hourly('2025-03-02T00:00:00Z');
    expect(await sentAt('leap')).toEqual(['2025-02-28T09:00:00.000Z']);
  });

  it('supports signup anniversaries and emits nothing without a live date trigger', async () => {
    await h.identify([{ customerId: 'early', timezone: 'Europe/Berlin' }]);
    h.clock.set(Date.parse('2025-03-07T23:30:00Z')); // already 8 March in Berlin
    expect(await emitAnniversaries(h.storage, h.clock, h.registry)).toEqual({ emitted: 0 });
    await h.journeys.deploy({ ...birthdays, id: 'signup', nodes: [{ id: 't', type: 'trigger.date', config: { attribute: '$createdAt', hour: 10 } }] });
    expect(await emitAnniversaries(h.storage, h.clock, h.registry)).toEqual({ emitted: 1 });
    await h.advance('1d');
    expect(await sentAt('early')).toEqual(['2025-03-08T09:00:00.000Z']);
  });
});
