import { useEffect, useState } from 'react';
import { get, post } from '../api.ts';
import { errorText, fmtInt } from '../format.ts';

export interface ChecklistItem {
  code: string;
  severity: 'block' | 'warn';
  nodeId?: string;
  field?: string;
  message: string;
}
export interface Readiness {
  items: ChecklistItem[];
  audience: { nodeId: string; segment: string; members: number | null }[];
  problems: number;
}
type Audience = 'include' | 'new';

/**
 * The publish step: the draft's pre-publish checklist (blocking items disable Publish; warnings
 * are shown to read), and for segment triggers the choice of who enters now. The server checks
 * the same list again and refuses with a message naming the node and the fix.
 */
export function PublishDialog(props: { journeyId: string; onClose: () => void; onPublished: (r: { version: number; entering: number }) => void; onFocusNode?: (nodeId: string) => void }) {
  const [readiness, setReadiness] = useState<Readiness | null>(null);
  const [audience, setAudience] = useState<Audience>('new');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const base = `/api/journeys/${encodeURIComponent(props.journeyId)}`;

  useEffect(() => {
    get<Readiness>(`${base}/checklist`).then(setReadiness, (e) => setError(errorText(e)));
  }, [base]);

  const blocking = readiness?.items.filter((i) => i.severity === 'block') ?? [];
  const warnings = readiness?.items.filter((i) => i.severity === 'warn') ?? [];
  const members = readiness?.audience.reduce((n, a) => n + (a.members ?? 0), 0) ?? 0;
  const publish = async () => {
    setBusy(true);
    setError('');
    try {
      const query = readiness?.audience.length ? `?audience=${audience}` : '';
      props.onPublished(await post<{ version: number; entering: number }>(`${base}/publish${query}`));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const item = (i: ChecklistItem, k: number) => (
    <li key={k} className={`checklist-item ${i.severity}`} data-severity={i.severity}>
      <span className={`badge ${i.severity === 'block' ? 'error' : 'warn'}`}>{i.severity === 'block' ? 'Must fix' : 'Check'}</span>{' '}
      {i.nodeId && props.onFocusNode ? (
        <button type="button" className="link" onClick={() => props.onFocusNode!(i.nodeId!)}>
          {i.message}
        </button>
      ) : (
        i.message
      )}
    </li>
  );

  const section = (title: string, testId: string, items: ChecklistItem[]) =>
    items.length > 0 && (
      <>
        <h3>{title}</h3>
        <ul className="list checklist" data-testid={testId}>
          {items.map(item)}
        </ul>
      </>
    );

  return (
    <div className="modal-backdrop" onClick={props.onClose}>
      <div className="modal publish-dialog" role="dialog" aria-label="Publish journey" onClick={(e) => e.stopPropagation()}>
        <h2>Publish</h2>
        {!readiness && !error && <p className="muted">Checking the journey…</p>}
        {readiness && readiness.problems > 0 && <p className="error">Fix the journey’s {readiness.problems} problem{readiness.problems > 1 ? 's' : ''} first (see Problems).</p>}
        {readiness && readiness.problems === 0 && readiness.items.length === 0 && <p data-testid="checklist-ok">Ready: nothing blocks publishing.</p>}
        {section('Fix before publishing', 'checklist-block', blocking)}
        {section('Worth a look', 'checklist-warn', warnings)}
        {readiness && readiness.audience.length > 0 && (
          <fieldset className="audience" data-testid="audience">
            <legend>Who enters when it goes live</legend>
            <label>
              <input type="radio" name="audience" checked={audience === 'include'} onChange={() => setAudience('include')} /> Include current members ({fmtInt(members)})
            </label>
            <label>
              <input type="radio" name="audience" checked={audience === 'new'} onChange={() => setAudience('new')} /> Only customers who enter from now on
            </label>
            <p className="muted small">{readiness.audience.map((a) => `${a.segment}: ${a.members === null ? 'unknown' : fmtInt(a.members)} now`).join(' · ')}</p>
          </fieldset>
        )}
        {error && (
          <p className="error" role="alert" data-testid="publish-error">
            {error}
          </p>
        )}
        <div className="row end">
          <button type="button" className="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" className="btn primary" disabled={!readiness || busy || blocking.length > 0 || readiness.problems > 0} onClick={publish}>
            {busy ? 'Publishing…' : 'Publish now'}
          </button>
        </div>
      </div>
    </div>
  );
}
