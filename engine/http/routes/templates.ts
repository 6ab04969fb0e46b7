import { getTemplate, importTemplate, listTemplates } from '../../../templates/index.ts';
import { ForesightError } from '../../core/errors.ts';
import type { ApiContext } from '../context.ts';
import { freeJourneyId } from '../journey-ids.ts';
import type { RouteTable } from '../route-table.ts';
import { journeyView } from './journeys.ts';

export function templateRoutes(t: RouteTable, ctx: ApiContext): void {
  t.add({ method: 'get', path: '/api/templates', tag: 'builder', summary: 'Lifecycle journey templates', access: 'builder', handler: () => ({ templates: listTemplates() }) });
  t.add({
    method: 'post',
    path: '/api/templates/:id/import',
    tag: 'builder',
    summary: 'Import a template as a new draft journey (and the segments it needs)',
    access: 'builder',
    status: 201,
    handler: async ({ params }) => {
      const tpl = getTemplate(params.id!);
      if (!tpl) throw new ForesightError('not_found', `template "${params.id}" does not exist; GET /api/templates lists them`, { field: 'id' });
      // A second import of the same template becomes a second journey rather than overwriting the first.
      const journeyId = await freeJourneyId(ctx.storage, tpl.id);
      return { journey: journeyView(await importTemplate({ storage: ctx.storage, journeys: ctx.journeys, clock: ctx.clock }, tpl.id, journeyId)) };
    },
  });
}
