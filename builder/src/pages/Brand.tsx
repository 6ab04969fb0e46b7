import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, get, put } from '../api.ts';
import { Outcome } from '../Outcome.tsx';
import { errorText, fmtInt } from '../format.ts';

const FIELDS = [
  ['shopName', 'Shop name', 'Acme Outdoor', 'text'],
  ['shopUrl', 'Shop URL', 'https://acme-outdoor.com', 'url'],
  ['senderName', 'Sender name', 'Acme Outdoor', 'text'],
  ['senderAddress', 'Sender address', 'hello@acme-outdoor.com', 'email'],
  ['logoUrl', 'Logo URL', 'https://acme-outdoor.com/logo.png', 'url'],
  ['footerAddress', 'Footer address (postal)', '1 Trail Road, Portland OR 97201', 'text'],
  ['currency', 'Currency of prices', 'USD', 'text'],
] as const;
type Brand = Partial<Record<(typeof FIELDS)[number][0], string>>;

/**
 * Settings → Brand: what every email shows as `{{brand.*}}` (the templates link to the shop URL,
 * sign with the sender, print the footer address), kept once; and the product catalogue's size.
 */
export function BrandSettings() {
  const [brand, setBrand] = useState<Brand>({});
  const [products, setProducts] = useState<number | null>(null);
  const [state, setState] = useState<{ kind: 'idle' | 'saving' | 'ok' | 'error'; text?: string; field?: string }>({ kind: 'idle' });
  useEffect(() => {
    get<{ brand: Brand }>('/api/brand').then((r) => setBrand(r.brand), (e) => setState({ kind: 'error', text: errorText(e) }));
    get<{ total: number }>('/api/products?limit=1').then((r) => setProducts(r.total), () => {});
  }, []);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setState({ kind: 'saving' });
    try {
      const r = await put<{ brand: Brand }>('/api/brand', brand);
      setBrand(r.brand);
      setState({ kind: 'ok', text: 'Brand saved: every email uses it from the next send.' });
    } catch (err) {
      setState({ kind: 'error', text: errorText(err), field: err instanceof ApiError ? err.field?.replace(/^brand\./, '') : undefined });
    }
  };
  return (
    <div className="page narrow">
      <h1>Brand</h1>
      <p className="muted">Kept once and used by every email: templates show these as {'{{brand.shopUrl}}'}, {'{{brand.shopName}}'} and so on, so an imported template needs no hand edits.</p>
      <form className="form" onSubmit={save} aria-label="Brand">
        {FIELDS.map(([key, label, example, type]) => (
          <label key={key} className={state.field === key ? 'has-problem' : undefined}>
            {label}
            <input name={key} type={type} value={brand[key] ?? ''} placeholder={`e.g. ${example}`} onChange={(e) => setBrand({ ...brand, [key]: e.target.value })} />
          </label>
        ))}
        <button type="submit" className="btn primary" disabled={state.kind === 'saving'}>
          {state.kind === 'saving' ? 'Saving…' : 'Save brand'}
        </button>
      </form>
      <Outcome state={state} />
      <h2>Product catalogue</h2>
      <p data-testid="catalogue-size">
        {products === null ? '…' : `${fmtInt(products)} product${products === 1 ? '' : 's'}`}. Recommendation blocks in emails show catalogue products with their picture, name, price and link, and hide themselves when there is nothing to show.
        Import with <code>npx foresight catalog import products.csv</code> (columns item_id,name,url,image_url,price,category) or <code>PUT /api/products</code>.
      </p>
    </div>
  );
}
