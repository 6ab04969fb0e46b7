import { readBrand, type Brand } from '../brand/brand.ts';
import { recommendedProducts } from '../catalog/products.ts';
import type { CustomerProfile } from '../plugin/define-node.ts';
import type { ProductRecord, Storage } from '../storage/types.ts';
import { emailContext } from './context.ts';

export interface MessageData {
  context: Record<string, unknown>;
  brand: Brand;
  products: ProductRecord[];
}

/**
 * Everything one customer's email renders from, read fresh at delivery: their profile and scores
 * (emailContext), the brand (`brand.*`) and their recommendations as catalogue products
 * (`recommendedProducts`). The sender, the test send and the preview all use this one reading.
 */
export async function messageData(storage: Storage, customer: CustomerProfile, extra: Record<string, unknown> = {}): Promise<MessageData> {
  const [scores, brand] = await Promise.all([storage.scores.forCustomer(customer.id), readBrand(storage)]);
  const base = emailContext(customer, scores);
  const products = await recommendedProducts(storage, base.recommendations as unknown[]);
  return { context: { ...base, brand, recommendedProducts: products, ...extra }, brand, products };
}
