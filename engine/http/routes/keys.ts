import { z } from 'zod';
import { ForesightError } from '../../core/errors.ts';
import type { ApiKeyRecord } from '../../storage/types.ts';
import type { ApiContext } from '../context.ts';
import type { RouteTable } from '../route-table.ts';

const keyBody = z.object({
  name: z.string().trim().min(1, 'name the key after where it is used, e.g. "shop website"').max(100),
  scope: z.enum(['track', 'admin']),
  rateLimit: z.number().int().min(0, "give requests per second, 0 for unlimited, or null for the server's default").nullable().optional(),
});
const idParam = z.string().regex(/^[1-9][0-9]{0,15}$/).transform(Number);

/** A key as listed: never its hash. */
const view = (k: ApiKeyRecord) => ({ id: k.id, name: k.name, prefix: k.prefix, scope: k.scope, rateLimit: k.rateLimit, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt, revokedAt: k.revokedAt });

export function keyRoutes(t: RouteTable, ctx: ApiContext): void {
  t.add({ method: 'get', path: '/api/keys', tag: 'auth', summary: 'List API keys (never the keys themselves)', access: 'admin', handler: async () => ({ keys: (await ctx.auth.listApiKeys()).map(view) }) });
  t.add({
    method: 'post',
    path: '/api/keys',
    tag: 'auth',
    summary: 'Create an API key; the response is the only time the key is shown',
    access: 'admin',
    body: keyBody,
    status: 201,
    handler: async ({ body }) => {
      const { key, record } = await ctx.auth.createApiKey(body.name, body.scope, body.rateLimit ?? null);
      return { key, apiKey: view(record) };
    },
  });
  t.add({
    method: 'delete',
    path: '/api/keys/:id',
    tag: 'auth',
    summary: 'Revoke an API key',
    access: 'admin',
    handler: async ({ params }) => {
      const id = idParam.safeParse(params.id);
      if (!id.success) throw new ForesightError('invalid_input', `id: "${params.id}" is not an API key id; use the numeric id from GET /api/keys`, { field: 'id' });
      await ctx.auth.revokeApiKey(id.data);
      return { ok: true };
    },
  });
}
