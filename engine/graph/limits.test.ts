import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../http/test-server.ts';
import { builtinRegistry } from '../../nodes/index.ts';
import { MAX_JOURNEY_NODES } from './limits.ts';
import { validateJourney } from './validate.ts';

/** A straight path trigger → n-1 exits… long enough to pass any count: each node leads to the next. */
function chain(n: number) {
  const nodes = [{ id: 'n0', type: 'trigger.event', config: { event: 'signup' } }, ...Array.from({ length: n - 1 }, (_, i) => ({ id: `n${i + 1}`, type: 'condition.attribute', config: { attribute: 'x', op: 'exists' } }))];
  const edges = nodes.slice(1).map((node, i) => ({ id: `e${i}`, source: `n${i}`, sourceHandle: i === 0 ? 'next' : 'yes', target: node.id }));
  return { nodes, edges };
}

let s: TestServer;
let h: Record<string, string>;
beforeAll(async () => {
  s = await startTestServer();
  h = await s.key('admin');
});
afterAll(() => s.close());

describe('journey size limit', () => {
  it('validates a journey at the limit and refuses one node more, naming the field and the fix', () => {
    const registry = builtinRegistry();
    expect(validateJourney({ id: 'big', name: 'Big', ...chain(MAX_JOURNEY_NODES) }, registry).problems).toEqual([]);
    expect(validateJourney({ id: 'big', name: 'Big', ...chain(MAX_JOURNEY_NODES + 1) }, registry).problems).toEqual([
      { field: 'nodes', message: 'nodes: the journey has 501 nodes, more than the limit of 500; split it into several journeys' },
    ]);
  });

  it.each([10_000, 1_500])('refuses a %i-node draft with a 400 before saving it: the saved draft is unchanged', async (n) => {
    const created = await s.call('POST', '/api/journeys', { json: { name: `Huge ${n}` }, headers: h });
    const id = created.body.journey.id as string;
    const res = await s.call('PUT', `/api/journeys/${id}/draft`, { json: { graph: chain(n) }, headers: h });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'journey_too_large', field: 'nodes', message: `nodes: the journey has ${n} nodes, more than the limit of 500; split it into several journeys` });
    const saved = await s.call('GET', `/api/journeys/${id}`, { headers: h });
    expect(saved.body.journey.draft.nodes).toEqual([]);
  });
});
