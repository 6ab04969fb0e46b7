import { useEffect, useState } from 'react';
import { api, ApiError, get, post, put } from '../api.ts';
import { errorText, fmtDate, fmtInt } from '../format.ts';
import { CondEditor, LabelsContext, type SegmentLabels } from '../panel/ConditionTree.tsx';
import { navigate } from '../router.ts';

type Cond = Record<string, unknown>;
interface Saved {
  name: string;
  definition: Cond;
  description: string | null;
}
export interface Preview {
  count: number;
  preview: { id: string; email: string | null }[];
}
export interface Draft {
  name: string;
  definition: Cond;
  description: string;
}

const EMPTY: Draft = { name: '', definition: { all: [{ lifecycle: [] }] }, description: '' };
const LIVE_DELAY_MS = 400;

/**
 * One segment being edited: the visual condition builder (JSON as the advanced view),
 * the live member count with a sample, and the journeys that use it.
 */
export function SegmentEditor(props: {
  draft: Draft;
  isNew: boolean;
  labels: SegmentLabels | null;
  preview: Preview | null;
  previewError: string;
  journeys: { id: string; name: string; status: string }[];
  /** Size at each refresh, oldest first. */
  sizes: { at: number; size: number }[];
  error: string;
  onChange: (d: Draft) => void;
  onSave: () => void;
  onDuplicate?: () => void;
  onDelete?: () => void;
}) {
  const { draft, onChange } = props;
  const [json, setJson] = useState<string | null>(null);
  const [jsonError, setJsonError] = useState('');
  const showJson = json !== null;
  return (
    <section className="card segment-editor" aria-label="Segment editor">
      <div className="row">
        <input aria-label="Segment name" placeholder="segment name, e.g. at-risk-vips" value={draft.name} disabled={!props.isNew} onChange={(e) => onChange({ ...draft, name: e.target.value })} />
        <label className="small">
          <input type="checkbox" checked={showJson} onChange={() => setJson(showJson ? null : JSON.stringify(draft.definition, null, 2))} /> JSON (advanced)
        </label>
      </div>
      <input aria-label="Description" placeholder="what this segment is for" value={draft.description} onChange={(e) => onChange({ ...draft, description: e.target.value })} />
      {showJson ? (
        <>
          <textarea
            aria-label="Definition JSON"
            rows={12}
            value={json}
            onChange={(e) => {
              setJson(e.target.value);
              try {
                onChange({ ...draft, definition: JSON.parse(e.target.value) as Cond });
                setJsonError('');
              } catch {
                setJsonError('not valid JSON yet; check quotes, commas and brackets');
              }
            }}
          />
          {jsonError && <p className="error small">{jsonError}</p>}
        </>
      ) : (
        <LabelsContext.Provider value={props.labels}>
          <div className="ctree">
            <CondEditor value={draft.definition} onChange={(definition) => onChange({ ...draft, definition })} root />
          </div>
        </LabelsContext.Provider>
      )}
      <div className="row" role="status" aria-label="Live count">
        {props.previewError ? (
          <span className="error small">{props.previewError}</span>
        ) : props.preview ? (
          <span>
            <strong className="segment-count">{fmtInt(props.preview.count)}</strong> customer{props.preview.count === 1 ? '' : 's'} match now
            {props.preview.preview.length > 0 && <span className="muted small"> — e.g. {props.preview.preview.map((c) => c.id).join(', ')}</span>}
          </span>
        ) : (
          <span className="muted small">Counting…</span>
        )}
      </div>
      {props.sizes.length > 1 && <SizeChart sizes={props.sizes} />}
      {props.journeys.length > 0 && (
        <p className="small">
          Used by:{' '}
          {props.journeys.map((j) => (
            <a key={j.id} href={`#/journeys/${encodeURIComponent(j.id)}`}>
              {j.name} ({j.status}){' '}
            </a>
          ))}
        </p>
      )}
      {props.error && <p className="error">{props.error}</p>}
      <div className="row">
        <button type="button" className="btn primary" onClick={props.onSave}>
          Save segment
        </button>
        {props.onDuplicate && (
          <button type="button" className="btn" onClick={props.onDuplicate}>
            Duplicate
          </button>
        )}
        {props.onDelete && (
          <button type="button" className="btn ghost" onClick={props.onDelete}>
            Delete
          </button>
        )}
      </div>
    </section>
  );
}

/** Size over time as a small line: enough to see a segment grow or drain. */
export function SizeChart({ sizes }: { sizes: { at: number; size: number }[] }) {
  const W = 320;
  const H = 60;
  const t0 = sizes[0]!.at;
  const span = Math.max(1, sizes[sizes.length - 1]!.at - t0);
  const max = Math.max(1, ...sizes.map((s) => s.size));
  const points = sizes.map((s) => `${(((s.at - t0) / span) * W).toFixed(1)},${(H - (s.size / max) * H).toFixed(1)}`).join(' ');
  const last = sizes[sizes.length - 1]!;
  return (
    <figure className="size-chart">
      <svg width={W} height={H} role="img" aria-label={`Size over time: from ${fmtInt(sizes[0]!.size)} to ${fmtInt(last.size)} customers`}>
        <polyline points={points} fill="none" stroke="#4f46e5" strokeWidth="2" />
      </svg>
      <figcaption className="small muted">
        Size at each refresh since {fmtDate(t0)}: {fmtInt(sizes[0]!.size)} → {fmtInt(last.size)}
      </figcaption>
    </figure>
  );
}

/** A link to a new segment starting from a definition (Insights' lifecycle bars and RFM cells). */
export const segmentLink = (definition: Cond) => `#/segments?definition=${encodeURIComponent(JSON.stringify(definition))}`;

/** Reads a new segment's starting definition from the route (Insights links here with one). */
export function definitionFromHash(hash: string): Cond | null {
  const q = hash.split('?')[1];
  const def = q ? new URLSearchParams(q).get('definition') : null;
  if (!def) return null;
  try {
    return JSON.parse(def) as Cond;
  } catch {
    return null;
  }
}

/** The Segments page: saved segments on the left, the selected (or a new) one on the right. */
export function Segments({ name }: { name?: string }) {
  const [list, setList] = useState<Saved[]>([]);
  const [labels, setLabels] = useState<SegmentLabels | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [journeys, setJourneys] = useState<{ id: string; name: string; status: string }[]>([]);
  const [sizes, setSizes] = useState<{ at: number; size: number }[]>([]);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState('');
  const [error, setError] = useState('');
  const isNew = !name;

  const reload = () => get<{ segments: Saved[] }>('/api/segments').then((r) => setList(r.segments), (e) => setError(errorText(e)));
  useEffect(() => {
    void reload();
    get<SegmentLabels>('/api/segments/labels').then(setLabels, () => setLabels(null));
  }, []);
  useEffect(() => {
    setError('');
    if (!name) {
      setDraft({ ...EMPTY, definition: definitionFromHash(window.location.hash) ?? EMPTY.definition });
      setJourneys([]);
      setSizes([]);
      return;
    }
    get<{ segment: Saved; journeys: typeof journeys; sizes: typeof sizes }>(`/api/segments/${encodeURIComponent(name)}`).then(
      (r) => {
        setDraft({ name: r.segment.name, definition: r.segment.definition, description: r.segment.description ?? '' });
        setJourneys(r.journeys);
        setSizes(r.sizes);
      },
      (e) => setError(errorText(e)),
    );
  }, [name]);
  // Live count and sample as the definition changes, after a short pause in typing.
  useEffect(() => {
    const timer = setTimeout(() => {
      post<Preview>('/api/segments/count', { definition: draft.definition, limit: 5 }).then(
        (r) => {
          setPreview(r);
          setPreviewError('');
        },
        (e) => setPreviewError(errorText(e)),
      );
    }, LIVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [draft.definition]);

  const body = { definition: draft.definition, description: draft.description || null };
  const save = async () => {
    try {
      if (isNew) await post('/api/segments', { name: draft.name, ...body });
      else await put(`/api/segments/${encodeURIComponent(draft.name)}`, body);
      await reload();
      setError('');
      if (isNew) navigate({ page: 'segments', name: draft.name.trim() });
    } catch (e) {
      setError(e instanceof ApiError && e.field ? `${e.message}` : errorText(e));
    }
  };
  const duplicate = async () => {
    const copy = window.prompt('Name of the copy', `${draft.name}-copy`);
    if (!copy) return;
    try {
      await post(`/api/segments/${encodeURIComponent(draft.name)}/duplicate`, { name: copy });
      await reload();
      navigate({ page: 'segments', name: copy.trim() });
    } catch (e) {
      setError(errorText(e));
    }
  };
  const remove = async () => {
    if (!window.confirm(`Delete the segment "${draft.name}"? Journeys that use it will stop matching.`)) return;
    await api('DELETE', `/api/segments/${encodeURIComponent(draft.name)}`).catch((e) => setError(errorText(e)));
    await reload();
    navigate({ page: 'segments' });
  };

  return (
    <div className="split-page">
      <aside className="card">
        <div className="row">
          <h2>Segments</h2>
          <button type="button" className="btn small" onClick={() => navigate({ page: 'segments' })}>
            + New
          </button>
        </div>
        <ul className="plain-list">
          {list.map((s) => (
            <li key={s.name}>
              <a href={`#/segments/${encodeURIComponent(s.name)}`} className={s.name === name ? 'active' : ''}>
                {s.name}
              </a>
            </li>
          ))}
          {list.length === 0 && <li className="muted small">No saved segments yet.</li>}
        </ul>
      </aside>
      <SegmentEditor
        draft={draft}
        isNew={isNew}
        labels={labels}
        preview={preview}
        previewError={previewError}
        journeys={journeys}
        sizes={sizes}
        error={error}
        onChange={setDraft}
        onSave={save}
        onDuplicate={isNew ? undefined : duplicate}
        onDelete={isNew ? undefined : remove}
      />
    </div>
  );
}
