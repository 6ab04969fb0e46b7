import { useEffect, useState } from 'react';
import { post } from '../api.ts';
import { errorText } from '../format.ts';

type Slot = 'subject' | 'html' | 'text';
const SLOTS: Slot[] = ['subject', 'html', 'text'];

/**
 * Live Handlebars preview for a sample (or a chosen) customer. The preview endpoint renders an
 * email's subject, html and text together; this field fills its slot (an HTML body also shows the
 * subject), and any other template field is previewed as text.
 */
export function TemplatePreview({ fieldKey, template, siblings }: { fieldKey: string; template: string; siblings: Record<string, unknown> }) {
  const [open, setOpen] = useState(false);
  const [customerId, setCustomerId] = useState('');
  const [out, setOut] = useState<Record<Slot, string> | null>(null);
  const [error, setError] = useState('');
  const slot: Slot = (SLOTS as string[]).includes(fieldKey) ? (fieldKey as Slot) : 'text';
  // Only this field's template (and the subject above an HTML body): a broken sibling template is
  // reported at its own field, not again in every preview of the node.
  const shown = (s: Slot) => s === slot || (slot === 'html' && s === 'subject');
  const body = JSON.stringify({
    ...Object.fromEntries(SLOTS.map((s) => [s, shown(s) && typeof siblings[s] === 'string' ? siblings[s] : ''])),
    [slot]: template,
    ...(customerId.trim() ? { customerId: customerId.trim() } : {}),
  });

  useEffect(() => {
    if (!open) return;
    const t = setTimeout(() => {
      post<Record<Slot, string>>('/api/preview/email', JSON.parse(body)).then(
        (r) => {
          setOut(r);
          setError('');
        },
        (e) => setError(errorText(e)),
      );
    }, 300);
    return () => clearTimeout(t);
  }, [open, body]);

  return (
    <div className="preview">
      <button type="button" className="btn small ghost" onClick={() => setOpen((o) => !o)}>
        {open ? 'Hide preview' : 'Preview'}
      </button>
      {open && (
        <div className="preview-body" data-testid={`preview-${fieldKey}`}>
          <input className="small-input" aria-label="Preview as customer" placeholder="Sample customer, or a customer id" value={customerId} onChange={(e) => setCustomerId(e.target.value)} />
          {error ? (
            <p className="field-error">{error}</p>
          ) : !out ? (
            <p className="muted small">Rendering…</p>
          ) : slot === 'html' ? (
            <>
              <p className="small">
                <b>{out.subject}</b>
              </p>
              <iframe title="Email preview" sandbox="" srcDoc={out.html} />
            </>
          ) : (
            <pre>{out[slot]}</pre>
          )}
        </div>
      )}
    </div>
  );
}
