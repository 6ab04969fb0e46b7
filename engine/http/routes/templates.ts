import type { ApiContext } from '../context.ts';
import type { RouteTable } from '../route-table.ts';

// WIRE(templates): replace with `import { getTemplate, listTemplates } from '../../../templates/index.ts';` once templates/index.ts exists.
const listTemplates = (): { id: string; journey: Record<string, unknown> }[] => [];

export function templateRoutes(t: RouteTable, ctx: ApiContext): void {
  void ctx;
  t.add({ method: 'get', path: '/api/templates', tag: 'builder', summary: 'Lifecycle journey templates', access: 'builder', handler: () => ({ templates: listTemplates() }) });
}
