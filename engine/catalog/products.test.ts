import { describe, expect, it } from 'vitest';
import { productSchema, productsCsv } from './products.ts';

/** The first problem with one CSV row, as `<field>: <message>`, or the product it becomes. */
function row(cells: Record<string, string>): string | object {
  const r = productSchema.safeParse(productsCsv.toInput({ item_id: 'tent', name: 'Trail tent', url: 'https://acme.test/p/tent', ...cells }));
  return r.success ? r.data : `${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`;
}

describe('product catalogue rows', () => {
  it('reads plain decimal prices and refuses anything else instead of guessing (0x10 is not 16)', () => {
    expect(row({ price: '29.90' })).toMatchObject({ price: 29.9 });
    expect(row({ price: '' })).toMatchObject({ price: null });
    for (const price of ['0x10', '0b11', '1e3', 'Infinity', '1,000', '12 EUR']) expect(row({ price })).toBe('price: must be a number, e.g. 29.90');
    expect(row({ price: '-1' })).toBe('price: must not be negative');
  });

  it('says a name or item id is too long, not that it is missing', () => {
    expect(row({ name: 'x'.repeat(301) })).toBe('name: keep the name under 300 characters');
    expect(row({ item_id: 'x'.repeat(201) })).toBe('itemId: keep the item id under 200 characters');
  });
});
