import { expect } from 'vitest';
import type { ProductRecord, Storage } from './types.ts';

type WithStorage = (title: string, fn: (s: Storage) => Promise<void>) => void;

/** The settings and product-catalogue part of the storage contract (see conformance.ts). */
export function catalogConformance(withStorage: WithStorage): void {
  withStorage('settings: a JSON value per key, replaced on put, null when never set', async (s) => {
    expect(await s.settings.get('brand')).toBeNull();
    await s.settings.put('brand', { shopName: 'Acme', shopUrl: 'https://acme.test' }, 1);
    await s.settings.put('other', [1, 2], 1);
    await s.settings.put('brand', { shopName: 'Acme & Co' }, 2);
    expect(await s.settings.get('brand')).toEqual({ shopName: 'Acme & Co' });
    expect(await s.settings.get('other')).toEqual([1, 2]);
  });

  withStorage('products: upserted by item id, read by ids, paged in id order, deleted', async (s) => {
    const p = (itemId: string, over: Partial<ProductRecord> = {}): ProductRecord => ({ itemId, name: `Item ${itemId}`, url: `https://acme.test/p/${itemId}`, imageUrl: null, price: null, category: null, ...over });
    expect(await s.products.count()).toBe(0);
    expect(await s.products.upsert([p('b', { price: 12.5, category: 'shoes', imageUrl: 'https://acme.test/b.jpg' }), p('a'), p('c')], 1)).toBe(3);
    // A later import replaces the row; the same id twice in one batch keeps the last.
    await s.products.upsert([p('a', { name: 'Old' }), p('a', { name: 'Apple', price: 3 })], 2);
    expect(await s.products.count()).toBe(3);
    const got = (await s.products.get(['b', 'a', 'zz'])).sort((x, y) => x.itemId.localeCompare(y.itemId));
    expect(got).toEqual([p('a', { name: 'Apple', price: 3 }), p('b', { price: 12.5, category: 'shoes', imageUrl: 'https://acme.test/b.jpg' })]);
    expect(await s.products.get([])).toEqual([]);
    expect((await s.products.list({ limit: 2, offset: 1 })).map((x) => x.itemId)).toEqual(['b', 'c']);
    expect(await s.products.delete('c')).toBe(true);
    expect(await s.products.delete('c')).toBe(false);
    expect(await s.products.count()).toBe(2);
  });
}
