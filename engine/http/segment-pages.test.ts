import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshSegments } from '../jobs/segment-refresh.ts';
import { startTestServer, type TestServer } from './test-server.ts';

let s: TestServer;
let h: Record<string, string>;
const at = Date.parse('2024-03-01T00:00:00Z');
beforeAll(async () => {
  s = await startTestServer();
  h = await s.key('admin');
  await s.call('POST', '/api/batch', {
    headers: h,
    json: {
      batch: [
        ...['ann', 'bob', 'cy'].map((id) => ({ kind: 'identify', customerId: id, email: `${id}@example.com`, attributes: { plan: 'pro' } })),
        { kind: 'track', customerId: 'ann', type: 'viewed_product' },
      ],
    },
  });
  const ids = await s.storage.customers.resolve(['ann', 'bob', 'cy'], at, false);
  const stage = (id: string, value: string) => ({ customerId: ids.get(id)!, model: 'lifecycle', value: null, data: { stage: value }, modelVersion: 't', scoredAt: at });
  await s.storage.scores.put([stage('ann', 'at-risk'), stage('bob', 'at-risk'), stage('cy', 'new')]);
});
afterAll(() => s.close());

describe('segments API for the Segments page', () => {
  it('rejects a lifecycle label with a space (it would match nobody), naming the field and the valid stages', async () => {
    const res = await s.call('POST', '/api/segments', { headers: h, json: { name: 'risky', definition: { lifecycle: ['at risk'] } } });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('definition.lifecycle.0');
    expect(res.body.error.message).toContain('use one of "prospect", "new", "repeat", "at-risk", "lapsed"');
    expect((await s.call('GET', '/api/segments/risky', { headers: h })).status).toBe(404);
  });

  it('serves the valid labels for the drop-downs', async () => {
    const res = await s.call('GET', '/api/segments/labels', { headers: h });
    expect(res.body.lifecycle).toEqual(['prospect', 'new', 'repeat', 'at-risk', 'lapsed']);
    expect(res.body.valueTier).toEqual(['high', 'mid', 'low']);
    expect(res.body.rfm).toContain("Can't Lose Them");
    expect(res.body.score).toContain('churn');
    expect(res.body.eventTypes).toEqual(['viewed_product']);
    expect(res.body.attributeKeys).toEqual(['plan']);
  });

  it('creates, reads with live count, sample and using journeys, edits, duplicates and deletes', async () => {
    expect((await s.call('POST', '/api/segments', { headers: h, json: { name: 'risky', definition: { lifecycle: ['at-risk'] } } })).status).toBe(200);
    const node = (id: string, segment: string) => ({ id, type: 'trigger.segment', typeVersion: 1, config: { segment } });
    await s.storage.journeys.saveDraft({ id: 'save-them', name: 'Save them', draft: { nodes: [node('t', 'risky')], edges: [] } }, at);
    await s.storage.journeys.saveDraft({ id: 'other', name: 'Other', draft: { nodes: [node('t', 'vip')], edges: [] } }, at);
    const one = await s.call('GET', '/api/segments/risky', { headers: h });
    expect(one.body.count).toBe(2);
    expect(one.body.sample.map((c: { id: string }) => c.id)).toEqual(['ann', 'bob']);
    expect(one.body.journeys).toEqual([{ id: 'save-them', name: 'Save them', status: 'draft', nodes: ['t'] }]);
    expect(one.body.sizes).toEqual([]);
    await refreshSegments(s.storage, s.clock);
    expect((await s.call('GET', '/api/segments/risky', { headers: h })).body.sizes).toEqual([{ at: s.clock.now().getTime(), size: 2 }]);

    const edited = await s.call('PUT', '/api/segments/risky', { headers: h, json: { definition: { lifecycle: ['new'] }, description: 'just one' } });
    expect(edited.body.segment).toMatchObject({ name: 'risky', description: 'just one' });
    expect((await s.call('GET', '/api/segments/risky', { headers: h })).body.count).toBe(1);
    const badEdit = await s.call('PUT', '/api/segments/risky', { headers: h, json: { definition: { valueTier: ['vip'] } } });
    expect([badEdit.status, badEdit.body.error.field]).toEqual([400, 'definition.valueTier.0']);

    const copy = await s.call('POST', '/api/segments/risky/duplicate', { headers: h, json: { name: 'risky-copy' } });
    expect(copy.status).toBe(201);
    expect(copy.body.segment).toMatchObject({ name: 'risky-copy', definition: { lifecycle: ['new'] } });
    const taken = await s.call('POST', '/api/segments/risky/duplicate', { headers: h, json: { name: 'risky-copy' } });
    expect([taken.status, taken.body.error.field]).toEqual([409, 'name']);

    expect((await s.call('DELETE', '/api/segments/risky-copy', { headers: h })).body).toEqual({ deleted: true });
    expect((await s.call('GET', '/api/segments/risky-copy', { headers: h })).status).toBe(404);
  });
});
