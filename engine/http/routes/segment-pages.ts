import { z } from 'zod';
import { ForesightError } from '../../core/errors.ts';
import { SEGMENT_LABELS, SegmentService } from '../../segments/index.ts';
import type { Storage } from '../../storage/types.ts';
import type { ApiContext } from '../context.ts';
import type { RouteTable } from '../route-table.ts';
import { customerView } from './customers.ts';

const SAMPLE = 10;
/** How far back the size chart reaches. */
const SIZE_HISTORY_MS = 90 * 86_400_000;
/** Newest events and customers read for the event-type and attribute-key pick lists. */
const VOCABULARY_SAMPLE = 50_000;
const segmentName = z.string().trim().min(1, 'give the segment a name').max(100);
const updateBody = z.object({ definition: z.unknown().describe('Segment condition tree'), description: z.string().max(1000).nullable().optional() });
const duplicateBody = z.object({ name: segmentName.describe('Name of the copy') });

/** Journeys whose draft or live version names the segment in a node's `segment` setting (segment triggers and conditions). */
export async function journeysUsing(storage: Storage, segment: string): Promise<{ id: string; name: string; status: string; nodes: string[] }[]> {
  const out = [];
  for (const j of await storage.journeys.list()) {
    const live = j.liveVersion === null ? null : await storage.journeys.version(j.id, j.liveVersion);
    const nodes = new Set<string>();
    for (const graph of [j.draft, live?.graph]) {
      for (const n of ((graph as { nodes?: { id: string; config?: { segment?: unknown } }[] } | null)?.nodes ?? [])) {
        if (typeof n.config?.segment === 'string' && n.config.segment.trim() === segment) nodes.add(n.id);
      }
    }
    if (nodes.size) out.push({ id: j.id, name: j.name, status: j.status, nodes: [...nodes] });
  }
  return out;
}

/** The Segments page: valid labels for the drop-downs, one segment with its live size, sample and users, edit and duplicate. */
export function segmentPageRoutes(t: RouteTable, ctx: ApiContext): void {
  const segments = new SegmentService(ctx.storage);
  const require = async (name: string) => {
    const row = await ctx.storage.segments.get(name);
    if (!row) throw new ForesightError('not_found', `segment "${name}" does not exist; see GET /api/segments for the saved ones`, { field: 'name' });
    return row;
  };
  const saveOrFail = async (s: { name: string; definition: unknown; description?: string | null }) => {
    const problems = await segments.save(s, ctx.clock.now());
    if (problems.length) throw new ForesightError('invalid_segment', problems[0]!.message, { field: problems[0]!.field, details: problems });
    return { segment: await ctx.storage.segments.get(s.name.trim()) };
  };

  t.add({
    method: 'get',
    path: '/api/segments/labels',
    tag: 'segments',
    summary: 'The labels a segment may name (lifecycle stages, value tiers, RFM segments, model scores), with event types and attribute keys seen in the data',
    access: 'builder',
    handler: async () => ({ ...SEGMENT_LABELS, ...(await ctx.storage.segmentReads.vocabulary({ sample: VOCABULARY_SAMPLE, limit: 200 })) }),
  });
  t.add({
    method: 'get',
    path: '/api/segments/:name',
    tag: 'segments',
    summary: 'One saved segment with its member count now, a sample of members, the journeys that use it and its size at each refresh of the last 90 days',
    access: 'builder',
    handler: async ({ params }) => {
      const segment = await require(params.name!);
      const now = ctx.clock.now();
      return {
        segment,
        count: await segments.count(segment.definition, now),
        sample: (await segments.preview(segment.definition, now, SAMPLE)).map(customerView),
        journeys: await journeysUsing(ctx.storage, segment.name),
        // A segment deleted and saved again under the same name starts a new history.
        sizes: await ctx.storage.segmentMembers.sizes(segment.name, Math.max(segment.createdAt, now.getTime() - SIZE_HISTORY_MS)),
      };
    },
  });
  t.add({
    method: 'put',
    path: '/api/segments/:name',
    tag: 'segments',
    summary: 'Replace a saved segment\'s definition and description (400 naming the field when invalid)',
    access: 'builder',
    body: updateBody,
    handler: async ({ params, body }) => {
      await require(params.name!);
      return saveOrFail({ name: params.name!, ...body });
    },
  });
  t.add({
    method: 'post',
    path: '/api/segments/:name/duplicate',
    tag: 'segments',
    summary: 'Copy a saved segment under a new name (409 when the name is taken)',
    access: 'builder',
    body: duplicateBody,
    status: 201,
    handler: async ({ params, body }) => {
      const from = await require(params.name!);
      if (await ctx.storage.segments.get(body.name)) throw new ForesightError('conflict', `name: a segment called "${body.name}" already exists; choose another name`, { field: 'name' });
      return saveOrFail({ name: body.name, definition: from.definition, description: from.description });
    },
  });
}
