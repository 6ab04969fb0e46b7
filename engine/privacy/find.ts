import { ForesightError } from '../core/errors.ts';
import type { CustomerRecord, Storage } from '../storage/types.ts';

/** The customer with this external id, or a not_found error naming the field. */
export async function requireCustomer(storage: Storage, externalId: string, field = 'externalId'): Promise<CustomerRecord> {
  const c = await storage.customers.byExternalId(externalId);
  if (!c) throw new ForesightError('not_found', `${field}: no customer "${externalId}"`, { field });
  return c;
}
