import { z } from 'zod';
import { migrateJourney } from '../../migration.ts';
import type { ApiContext } from '../context.ts';
import type { RouteTable } from '../route-table.ts';

const migrateBody = z.object({
  fromVersion: z.number().int().positive().optional().describe('The version whose waiting runs move; default: the one before the live version'),
  mapping: z
    .record(z.string(), z.string().min(1))
    .default({})
    .describe('Old node id → a node id of the live version, "$stay" (leave on the old version) or "$exit" (end the run); kept node ids map to themselves. The bare words "stay" and "exit" are read as "$stay" and "$exit" only where the live version has no node of that id'),
  dryRun: z.boolean().default(false).describe('Only count how many runs would move where'),
});

export function migrateRoutes(t: RouteTable, ctx: ApiContext): void {
  t.add({
    method: 'post',
    path: '/api/journeys/:id/migrate',
    tag: 'journeys',
    summary: 'Move the runs waiting in an older version onto the live version (dryRun: counts only)',
    access: 'builder',
    body: migrateBody,
    handler: async ({ params, body }) => migrateJourney(ctx.storage, ctx.clock, params.id!, body),
  });
}
