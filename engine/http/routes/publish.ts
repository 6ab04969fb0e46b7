import { z } from 'zod';
import { readBrand, saveBrand } from '../../brand/brand.ts';
import { productSchema } from '../../catalog/products.ts';
import { ForesightError } from '../../core/errors.ts';
import { testSend } from '../../messaging/test-send.ts';
import { draftDiffers } from '../../publish/draft-status.ts';
import { publishReadiness } from '../../publish/index.ts';
import type { ApiContext } from '../context.ts';
import { testSendLimiter } from '../rate-limit.ts';
import type { RouteTable } from '../route-table.ts';

const testSendBody = z.object({
  to: z.string().trim().min(1, 'give the address to send the test to'),
  customerId: z.string().trim().max(200).optional(),
});
const productsBody = z.object({ products: z.array(productSchema).min(1, 'send at least one product').max(10_000, 'send at most 10,000 products per request') });
const pageQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) });

/** What a marketer checks and sets before publishing: the checklist, test sends, the brand and the product catalogue. */
export function publishRoutes(t: RouteTable, ctx: ApiContext): void {
  t.add({
    method: 'get',
    path: '/api/journeys/:id/checklist',
    tag: 'journeys',
    summary: "Pre-publish checklist of the draft (items with severity block|warn) and each segment trigger's current members",
    access: 'builder',
    handler: async ({ params }) => publishReadiness(ctx, params.id!),
  });
  t.add({
    method: 'get',
    path: '/api/journeys/:id/draft-status',
    tag: 'journeys',
    summary: 'Whether the saved draft differs from the live version (positions aside)',
    access: 'builder',
    handler: async ({ params }) => {
      const j = await ctx.storage.journeys.get(params.id!);
      if (!j) throw new ForesightError('not_found', `journey "${params.id}" does not exist`, { field: 'id' });
      return { liveVersion: j.liveVersion, draftDiffers: await draftDiffers(ctx, j) };
    },
  });
  t.add({
    method: 'post',
    path: '/api/journeys/:id/nodes/:nodeId/test-send',
    tag: 'journeys',
    summary: "Send the draft's email node to an address with a customer's data (marked [Test]; not counted, not capped)",
    access: 'builder',
    body: testSendBody,
    before: [testSendLimiter()],
    handler: async ({ params, body }) => ({ sent: await testSend(ctx, { journeyId: params.id!, nodeId: params.nodeId!, to: body.to, customerId: body.customerId || undefined }) }),
  });
  t.add({ method: 'get', path: '/api/brand', tag: 'settings', summary: 'The brand every email sees as {{brand.*}}', access: 'builder', handler: async () => ({ brand: await readBrand(ctx.storage) }) });
  t.add({
    method: 'put',
    path: '/api/brand',
    tag: 'settings',
    summary: 'Replace the brand (shopName, shopUrl, senderName, senderAddress, logoUrl, footerAddress); empty fields are unset',
    access: 'builder',
    body: z.record(z.string(), z.unknown()),
    handler: async ({ body }) => ({ brand: await saveBrand(ctx.storage, body, ctx.clock.now().getTime()) }),
  });
  t.add({
    method: 'get',
    path: '/api/products',
    tag: 'settings',
    summary: 'The product catalogue, by item id',
    access: 'builder',
    query: pageQuery,
    handler: async ({ query }) => ({ products: await ctx.storage.products.list(query), total: await ctx.storage.products.count() }),
  });
  t.add({
    method: 'put',
    path: '/api/products',
    tag: 'settings',
    summary: 'Add or replace products by item id (itemId, name, url, imageUrl?, price?, category?)',
    access: 'builder',
    body: productsBody,
    bodyLimit: '10mb',
    handler: async ({ body }) => ({ written: await ctx.storage.products.upsert(body.products, ctx.clock.now().getTime()) }),
  });
  t.add({
    method: 'delete',
    path: '/api/products/:itemId',
    tag: 'settings',
    summary: 'Remove a product from the catalogue',
    access: 'builder',
    handler: async ({ params }) => {
      if (!(await ctx.storage.products.delete(params.itemId!))) throw new ForesightError('not_found', `product "${params.itemId}" is not in the catalogue`, { field: 'itemId' });
      return { deleted: params.itemId };
    },
  });
}
