import { z } from 'zod';
import { ForesightError } from '../core/errors.ts';
import { senderProblem } from '../messaging/sender.ts';
import type { Storage } from '../storage/types.ts';

/** The settings key the brand is stored under. */
export const BRAND_KEY = 'brand';

const httpUrl = (what: string) =>
  z
    .string()
    .trim()
    .refine((v) => /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v), `give the full ${what} address, e.g. https://shop.example.org`);
const text = z.string().trim().max(300, 'keep it under 300 characters');

/**
 * What every email may show as `{{brand.*}}`, kept once for the installation. All optional: the
 * pre-publish checklist says which ones a journey's emails need.
 */
export const brandSchema = z.object({
  // Subjects and From names print it: one line, as a header can carry it.
  shopName: text.refine((v) => !/\p{Cc}/u.test(v), 'write the shop name on one line, without control characters').optional(),
  shopUrl: httpUrl('shop').optional(),
  senderName: text.refine((v) => !/[<>"\\\p{Cc}]/u.test(v), 'a sender name holds no <, >, quotes or backslashes').optional(),
  senderAddress: z
    .string()
    .trim()
    .refine((v) => senderProblem(v) === null && !v.includes('<'), 'write one address, e.g. news@shop.example.org')
    .optional(),
  logoUrl: httpUrl('logo').optional(),
  footerAddress: text.optional(),
  /** ISO 4217 code prices show in (`{{money price @root.brand.currency}}`); USD when unset. */
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .refine((v) => /^[A-Z]{3}$/.test(v) && Intl.supportedValuesOf('currency').includes(v), 'give a three-letter ISO 4217 code, e.g. EUR')
    .optional(),
});

export type Brand = z.infer<typeof brandSchema>;

export const BRAND_FIELDS = Object.keys(brandSchema.shape) as (keyof Brand)[];

/** Empty strings mean "not set": a cleared form field removes the value. */
function withoutBlanks(input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== '' && v !== null && v !== undefined));
}

/** Checks a brand; a bad value is an error naming the field and the fix. */
export function parseBrand(input: unknown): Brand {
  const r = brandSchema.strict().safeParse(withoutBlanks(input));
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.map(String).join('.') || 'brand';
  const message = issue.code === 'unrecognized_keys' ? `brand: unknown field(s) ${issue.keys.join(', ')}; use ${BRAND_FIELDS.join(', ')}` : `brand.${field}: ${issue.message}`;
  throw new ForesightError('invalid_brand', message, { field: `brand.${field}` });
}

export async function readBrand(storage: Storage): Promise<Brand> {
  const stored = await storage.settings.get(BRAND_KEY);
  // Stored values were checked on the way in; a hand-edited row that no longer parses counts as unset.
  const r = brandSchema.safeParse(stored ?? {});
  return r.success ? r.data : {};
}

export async function saveBrand(storage: Storage, input: unknown, now: number): Promise<Brand> {
  const brand = parseBrand(input);
  await storage.settings.put(BRAND_KEY, brand, now);
  return brand;
}

/** The brand's sender as a From header (`Name <address>`), or undefined without an address. */
export function brandSender(brand: Brand): string | undefined {
  if (!brand.senderAddress) return undefined;
  if (!brand.senderName) return brand.senderAddress;
  // RFC 5322 specials (, : ; ( ) . @ …) would split the name into groups, comments or addresses: quote it.
  const name = /[()[\]:;@,.]/.test(brand.senderName) ? `"${brand.senderName}"` : brand.senderName;
  return `${name} <${brand.senderAddress}>`;
}
