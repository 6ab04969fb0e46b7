import { useEffect, useState } from 'react';
import { post } from '../api.ts';
import { errorText } from '../format.ts';

/**
 * Live Handlebars preview for a sample customer. The field is rendered in the slot its key names
 * (subject, html or text); any other template field is previewed as text.
 */
export function TemplatePreview({ fieldKey, template }: { fieldKey: string; template: string }) {
  const [open, setOpen] = useState(false);
  const [out, setOut] = useState<{ subject: string; html: string; text: string } | null>(null);
  const [error, setError] = useState('');
  const slot = fieldKey === 'subject' || fieldKey === 'html' ? fieldKey : 'text';

  useEffect(() => {
    if (!open) return;
    const t = setTimeout(() => {
      post<{ subject: string; html: string; text: string }>('/api/preview/email', { subject: '', html: '', text: '', [slot]: template }).then(
        (r) => {
          setOut(r);
          setError('');
        },
        (e) => setError(errorText(e)),
      );
    }, 300);
    return () => clearTimeout(t);
  }, [open, template, slot]);

  return (
    <div className="preview">
      <button type="button" className="btn small ghost" onClick={() => setOpen((o) => !o)}>
        {open ? 'Hide preview' : 'Preview for a sample customer'}
      </button>
      {open && (
        <div className="preview-body">
          {error ? <p className="field-error">{error}</p> : !out ? <p className="muted small">Rendering…</p> : slot === 'html' ? <iframe title="Email preview" sandbox="" srcDoc={out.html} /> : <pre>{out[slot]}</pre>}
        </div>
      )}
    </div>
  );
}
