import { z } from 'zod';
import { ForesightError } from '../../core/errors.ts';
import type { JourneyRecord } from '../../storage/types.ts';
import { abReport } from '../../../nodes/split-ab/stats.ts';
import { withWinner } from '../../../nodes/split-ab/winner.ts';
import type { JourneyGraph } from '../../graph/types.ts';
import { journeyLift } from '../../stats/journey-lift.ts';
import { abWithRevenue } from '../../analytics/ab-revenue.ts';
import { attributionWindow, journeyMessageStats } from '../../analytics/messages.ts';
import { parseDuration } from '../../core/duration.ts';
import { AUDIENCE_CHOICES, safePublish } from '../../publish/index.ts';
import { assertMaySet } from '../admin-only.ts';
import { freeJourneyId } from '../journey-ids.ts';
import type { ApiContext } from '../context.ts';
import type { RouteTable } from '../route-table.ts';
import { RecentResults } from '../recent-results.ts';

/** A journey document as the builder edits it; checked fully by the validator, not here. */
export const graphSchema = z.record(z.string(), z.unknown()).describe('Journey document: { id, name, settings?, nodes: [...], edges: [...] }');
const createBody = z.object({ name: z.string().trim().min(1, 'give the journey a name').max(200), graph: graphSchema.optional() });
const draftBody = z.object({ graph: graphSchema });
const validateBody = z.object({ graph: graphSchema.optional() });
const winnerBody = z.object({ node: z.string().min(1, 'name the split.ab node'), variant: z.string().min(1, 'name the winning variant') });
const statsQuery = z.object({
  mde: z.coerce.number().gt(0, 'mde: give the minimum detectable effect as a share of the held-out rate, e.g. 0.1 for 10 %').max(1, 'mde: at most 1 (100 %)').optional(),
});
const publishQuery = z.object({ audience: z.enum(AUDIENCE_CHOICES, { error: `use ${AUDIENCE_CHOICES.join(' or ')} (include: the segment's current members enter too; new: only customers who enter it from now on)` }).optional() });

export const journeyView = (j: JourneyRecord) => ({ id: j.id, name: j.name, status: j.status, liveVersion: j.liveVersion, draft: j.draft, updatedAt: j.updatedAt });
const problemsOf = (problems: { message: string; nodeId?: string; edgeId?: string; field?: string }[]) => problems.map((p) => ({ ...p, code: 'invalid_journey' }));

/** How long A/B revenue, the lift report and message analytics are reused (real time): seconds to compute on a large shop, and every open builder polls them every 5 s. */
export const ANALYSES_FRESH_MS = 10_000;

export function journeyRoutes(t: RouteTable, ctx: ApiContext): void {
  const { journeys, storage } = ctx;
  // Per journey, reused while its status, live version and counts stay the same: a publish, pause or
  // resume, or a customer moving on, is seen at once; a delivery outcome, an open or an order within seconds.
  const analysesOf = new RecentResults<{ ab: Record<string, unknown>; lift: Awaited<ReturnType<typeof journeyLift>> | null; messages: Awaited<ReturnType<typeof journeyMessageStats>> }>(ANALYSES_FRESH_MS, ctx.realClock);
  const require = async (id: string) => {
    const j = await storage.journeys.get(id);
    if (!j) throw new ForesightError('not_found', `journey "${id}" does not exist`, { field: 'id' });
    return j;
  };
  const freeId = (name: string) => freeJourneyId(storage, name);
  const save = async (id: string, name: string, graph: Record<string, unknown> | undefined) =>
    journeys.saveDraft({ nodes: [], edges: [], ...graph, id, name });

  t.add({
    method: 'get',
    path: '/api/journeys',
    tag: 'journeys',
    summary: 'List journeys with runs in flight, entered and converted',
    access: 'builder',
    handler: async () => {
      const unavailable = new Map((await journeys.unavailable()).map((u) => [u.id, u.reason]));
      return {
        journeys: await Promise.all(
          (await storage.journeys.list()).map(async (j) => {
            const s = await journeys.stats(j.id);
            const waiting = unavailable.get(j.id);
            return { id: j.id, name: j.name, status: j.status, liveVersion: j.liveVersion, updatedAt: j.updatedAt, inFlight: (s.statuses.active ?? 0) + (s.statuses.waiting ?? 0), entered: s.enrolled, converted: s.converted, ...(waiting ? { unavailable: waiting } : {}) };
          }),
        ),
      };
    },
  });
  t.add({
    method: 'post',
    path: '/api/journeys',
    tag: 'journeys',
    summary: 'Create a journey (a draft)',
    access: 'builder',
    body: createBody,
    status: 201,
    handler: async ({ body, principal }) => {
      assertMaySet(principal, ctx.registry, body.graph, null);
      return { journey: journeyView(await save(await freeId(body.name), body.name, body.graph)) };
    },
  });
  t.add({ method: 'get', path: '/api/journeys/:id', tag: 'journeys', summary: 'One journey with its draft', access: 'builder', handler: async ({ params }) => ({ journey: journeyView(await require(params.id!)) }) });
  t.add({
    method: 'put',
    path: '/api/journeys/:id/draft',
    tag: 'journeys',
    summary: 'Save the draft (it may be invalid; problems are listed)',
    access: 'builder',
    body: draftBody,
    bodyLimit: '5mb',
    handler: async ({ params, body, principal }) => {
      const j = await require(params.id!);
      assertMaySet(principal, ctx.registry, body.graph, j.draft);
      const name = typeof body.graph.name === 'string' && body.graph.name.trim() ? body.graph.name : j.name;
      const saved = await save(j.id, name, body.graph);
      return { journey: journeyView(saved), problems: problemsOf((await journeys.validate(saved.draft)).problems) };
    },
  });
  t.add({
    method: 'post',
    path: '/api/journeys/:id/validate',
    tag: 'journeys',
    summary: 'Validate a journey document (default: the saved draft)',
    access: 'builder',
    body: validateBody,
    bodyLimit: '5mb',
    handler: async ({ params, body }) => {
      const j = await require(params.id!);
      const v = await journeys.validate(body.graph ? { ...body.graph, id: j.id, name: body.graph.name ?? j.name } : j.draft);
      return { ok: v.ok, problems: problemsOf(v.problems), warnings: v.warnings, ports: v.ports };
    },
  });
  t.add({
    method: 'post',
    path: '/api/journeys/:id/publish',
    tag: 'journeys',
    summary: 'Publish the draft as a new immutable version; 400 with problems when invalid or when the pre-publish checklist blocks (code publish_blocked). ?audience=include|new: whether segment triggers let in current members',
    access: 'builder',
    query: publishQuery,
    handler: async ({ params, query, res, principal }) => {
      const j = await require(params.id!);
      // Against what is live: an admin-only setting an admin put in the draft goes live only when an admin publishes it.
      assertMaySet(principal, ctx.registry, j.draft, j.liveVersion ? (await storage.journeys.version(j.id, j.liveVersion))?.graph : null);
      const v = await journeys.validate(j.draft);
      if (!v.ok) {
        res.status(400).json({ error: { code: 'invalid_journey', message: `journey "${j.id}" has ${v.problems.length} problem(s); fix them and publish again` }, problems: problemsOf(v.problems) });
        return undefined;
      }
      return safePublish(ctx, j.id, { audience: query.audience });
    },
  });
  for (const action of ['pause', 'resume', 'archive'] as const) {
    t.add({
      method: 'post',
      path: `/api/journeys/:id/${action}`,
      tag: 'journeys',
      summary: `${action[0]!.toUpperCase()}${action.slice(1)} the journey`,
      access: 'builder',
      handler: async ({ params }) => {
        await journeys[action](params.id!);
        return { journey: journeyView(await require(params.id!)) };
      },
    });
  }
  t.add({
    method: 'post',
    path: '/api/journeys/:id/duplicate',
    tag: 'journeys',
    summary: 'Copy the draft into a new journey',
    access: 'builder',
    status: 201,
    handler: async ({ params }) => {
      const j = await require(params.id!);
      const name = `${j.name} (copy)`;
      return { journey: journeyView(await save(await freeId(name), name, j.draft as Record<string, unknown>)) };
    },
  });
  t.add({
    method: 'get',
    path: '/api/journeys/:id/versions',
    tag: 'journeys',
    summary: 'Published versions, newest first',
    access: 'builder',
    handler: async ({ params }) => {
      await require(params.id!);
      const versions = await storage.journeys.versions(params.id!);
      return { versions: versions.sort((a, b) => b.version - a.version).map((v) => ({ version: v.version, publishedAt: v.publishedAt, graph: v.graph })) };
    },
  });
  t.add({
    method: 'post',
    path: '/api/journeys/:id/declare-winner',
    tag: 'journeys',
    summary: 'Declare an A/B winner: publishes a new version that routes everyone at the split to that variant',
    access: 'builder',
    body: winnerBody,
    handler: async ({ params, body }) => journeys.publishEdit((await require(params.id!)).id, (g) => withWinner(g, body.node, body.variant)),
  });
  t.add({
    method: 'get',
    path: '/api/journeys/:id/stats',
    tag: 'journeys',
    summary: 'Per-node counts (entered, waiting, per port), conversions, message analytics (deliveries, engagement, attributed revenue), A/B reports and the lift report (`?mde=0.1`)',
    access: 'builder',
    query: statsQuery,
    handler: async ({ params, query }) => {
      const j = await require(params.id!);
      const s = await journeys.stats(j.id);
      const nodes = Object.fromEntries(Object.entries(s.nodes).map(([id, n]) => [id, { entered: n.entered, waiting: n.waiting, ports: n.ports }]));
      const analyses = analysesOf.get(j.id, JSON.stringify([j.status, j.liveVersion, query.mde, s]), async () => {
        const graph = j.liveVersion ? ((await storage.journeys.version(j.id, j.liveVersion))?.graph as { nodes?: { id: string; type: string; config?: Record<string, unknown> }[] }) : undefined;
        const ab: Record<string, unknown> = {};
        for (const n of graph?.nodes ?? []) {
          if (n.type !== 'split.ab') continue;
          const variants = Array.isArray(n.config?.variants) ? (n.config.variants as { name: string }[]).map((v) => v.name) : undefined;
          const control = typeof n.config?.control === 'string' && n.config.control ? n.config.control : undefined;
          ab[n.id] = await abWithRevenue(storage, j.id, n.id, abReport(s.nodes[n.id], { variants, control }), parseDuration(attributionWindow(graph), 'settings.goal.within'));
        }
        const lift = graph ? await journeyLift(storage, graph as JourneyGraph, ctx.clock.now().getTime(), { mde: query.mde }) : null;
        return { ab, lift, messages: await journeyMessageStats(storage, j.id, graph) };
      });
      return { nodes, converted: s.converted, entered: s.enrolled, exited: s.exited, heldOut: s.heldOut, statuses: s.statuses, ...(await analyses) };
    },
  });
}
