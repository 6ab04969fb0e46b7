import { z } from 'zod';
import { ForesightError } from '../../core/errors.ts';
import { SegmentService } from '../../segments/index.ts';
import type { ApiContext } from '../context.ts';
import type { RouteTable } from '../route-table.ts';
import { customerView } from './customers.ts';

const definition = z.unknown().describe('Segment condition tree (see engine/segments/definition.ts)');
const saveBody = z.object({ name: z.string().trim().min(1, 'give the segment a name').max(100), definition, description: z.string().max(1000).nullable().optional() });
const countBody = z.object({ definition, limit: z.number().int().min(0).max(100).default(0).describe('How many members to return as a preview') });

export function segmentRoutes(t: RouteTable, ctx: ApiContext): void {
  const segments = new SegmentService(ctx.storage);
  t.add({ method: 'get', path: '/api/segments', tag: 'segments', summary: 'Saved segments', access: 'builder', handler: async () => ({ segments: await ctx.storage.segments.list() }) });
  t.add({
    method: 'post',
    path: '/api/segments',
    tag: 'segments',
    summary: 'Save a segment (400 with problems when the definition is invalid)',
    access: 'builder',
    body: saveBody,
    handler: async ({ body, res }) => {
      const problems = await segments.save(body, ctx.clock.now());
      if (problems.length) {
        res.status(400).json({ error: { code: 'invalid_segment', message: problems[0]!.message, field: problems[0]!.field }, problems });
        return undefined;
      }
      return { segment: await ctx.storage.segments.get(body.name) };
    },
  });
  t.add({
    method: 'post',
    path: '/api/segments/count',
    tag: 'segments',
    summary: 'How many customers match a definition now, with an optional preview of members',
    access: 'builder',
    body: countBody,
    handler: async ({ body }) => {
      const now = ctx.clock.now();
      const count = await segments.count(body.definition, now);
      const preview = body.limit ? (await segments.preview(body.definition, now, body.limit)).map(customerView) : [];
      return { count, preview };
    },
  });
  t.add({
    method: 'delete',
    path: '/api/segments/:name',
    tag: 'segments',
    summary: 'Delete a saved segment',
    access: 'builder',
    handler: async ({ params }) => {
      if (!(await ctx.storage.segments.delete(params.name!))) throw new ForesightError('not_found', `name: there is no saved segment "${params.name}"`, { field: 'name' });
      return { deleted: true };
    },
  });
}
