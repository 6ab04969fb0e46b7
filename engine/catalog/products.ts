import { z } from 'zod';
import { collectCsv, type CsvFormat, type RowError } from '../ingest/csv.ts';
import type { ProductRecord, Storage } from '../storage/types.ts';

const webUrl = (what: string) =>
  z
    .string({ error: `give the ${what} URL` })
    .trim()
    .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), `must be a full http(s) URL, e.g. https://shop.example.org/${what === 'image' ? 'img/item.jpg' : 'p/item'}`);

/** One product as the API and the CSV take it (item_id,name,url[,image_url][,price][,category]). */
export const productSchema = z.object({
  itemId: z.string({ error: 'give the item id your orders and recommendations use' }).trim().min(1, 'give the item id your orders and recommendations use').max(200, 'keep the item id under 200 characters'),
  name: z.string({ error: 'give the product name' }).trim().min(1, 'give the product name').max(300, 'keep the name under 300 characters'),
  url: webUrl('product page'),
  imageUrl: webUrl('image').nullable().default(null),
  price: z.number({ error: 'must be a number, e.g. 29.90' }).finite().nonnegative('must not be negative').nullable().default(null),
  category: z.string().trim().max(200).nullable().default(null),
});

const blank = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v);
/** Plain decimals only: Number() would also read "0x10" as 16 and "1e3" as 1000. NaN is refused by the schema. */
const decimal = (v: string): number => (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(v) ? Number(v) : NaN);

export const productsCsv: CsvFormat<typeof productSchema> = {
  required: ['item_id', 'name', 'url'],
  optional: ['image_url', 'price', 'category'],
  otherColumns: 'reject',
  schema: productSchema,
  columns: { itemId: 'item_id', name: 'name', url: 'url', imageUrl: 'image_url', price: 'price', category: 'category' },
  toInput: (r) => ({ itemId: r.item_id, name: r.name, url: r.url, imageUrl: blank(r.image_url), price: blank(r.price) === null ? null : decimal(r.price!), category: blank(r.category) }),
};

export interface CatalogImport {
  rows: number;
  imported: number;
  /** Rows skipped, each reported as `<file>:<line>: <column>: <reason>` (formatRowError). */
  rejected: RowError[];
}

/** Imports a product CSV: good rows are upserted by item id (re-importing updates), bad rows are reported and skipped. */
export async function importProductsCsv(storage: Storage, file: string, now: number): Promise<CatalogImport> {
  const { items, errors } = await collectCsv(file, productsCsv);
  const imported = await storage.products.upsert(
    items.map((i) => i.value),
    now,
  );
  return { rows: items.length + errors.length, imported, rejected: errors };
}

/**
 * The recommended items that are in the catalogue, in recommendation order, as full products
 * (`{{#each recommendedProducts}}`). Items the catalogue does not know are left out: a bare item id
 * is no use to a reader, and an empty list lets a template hide its block with `{{#if}}`.
 */
export async function recommendedProducts(storage: Storage, items: unknown[]): Promise<ProductRecord[]> {
  const ids = items.map((i) => (i && typeof i === 'object' ? (i as { itemId?: unknown }).itemId : i)).filter((id): id is string => typeof id === 'string' && id !== '');
  if (!ids.length) return [];
  const byId = new Map((await storage.products.get([...new Set(ids)])).map((p) => [p.itemId, p]));
  return [...new Set(ids)].flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}
