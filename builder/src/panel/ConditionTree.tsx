import { createContext, useContext, useId, useState } from 'react';
import { post } from '../api.ts';
import { errorText, fmtInt } from '../format.ts';

/**
 * An editor for condition trees (`{ all | any: [...] }`, `{ not: ... }` and leaves such as
 * `{ attribute, op, value }` or `{ orders, op, value }`), the shape segment definitions use.
 * The JSON field renders it whenever its value has that shape; unknown keys on a leaf are kept.
 */
type Cond = Record<string, unknown>;

const GROUPS = ['all', 'any'] as const;
const LEAF_KINDS: [string, string, Cond][] = [
  ['attribute', 'Profile attribute', { attribute: '', op: 'eq', value: '' }],
  ['event', 'Did an event', { event: '', op: 'gte', value: 1, within: '30d' }],
  ['lastEvent', 'Days since an event', { lastEvent: '', op: 'gt', days: 30 }],
  ['orders', 'Orders', { orders: 'count', op: 'gte', value: 1 }],
  ['score', 'Model score', { score: 'purchase', op: 'gte', value: 0.5 }],
  ['lifecycle', 'Lifecycle stage', { lifecycle: [] }],
  ['valueTier', 'Value tier', { valueTier: [] }],
  ['rfm', 'RFM segment', { rfm: [] }],
];
const COMPARE = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'];
const FILTER = [...COMPARE, 'contains', 'exists', 'not_exists'];
const OP_LABEL: Record<string, string> = { eq: '=', ne: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤', contains: 'contains', exists: 'is set', not_exists: 'is not set' };
const ORDER_METRICS = ['count', 'total', 'average', 'daysSinceLast'];

/** The valid labels (GET /api/segments/labels): when provided, label conditions become pick lists instead of free text. */
export interface SegmentLabels {
  lifecycle: string[];
  valueTier: string[];
  rfm: string[];
  score: string[];
  /** Seen in the data: offered as suggestions, since new ones may arrive any time. */
  eventTypes?: string[];
  attributeKeys?: string[];
}
export const LabelsContext = createContext<SegmentLabels | null>(null);

const kindOf = (c: Cond): string | undefined => ['all', 'any', 'not', ...LEAF_KINDS.map(([k]) => k)].find((k) => k in c);

export function isConditionTree(v: unknown): v is Cond {
  return !!v && typeof v === 'object' && !Array.isArray(v) && kindOf(v as Cond) !== undefined;
}

export function ConditionTree({ id, value, onChange }: { id: string; value: Cond; onChange: (v: Cond) => void }) {
  return (
    <div className="ctree" id={id}>
      <CondEditor value={value} onChange={onChange} root />
      <SegmentCount definition={value} />
    </div>
  );
}

/** The visual editor alone (the Segments page shows its own live count). */
export function CondEditor({ value, onChange, onRemove, root }: { value: Cond; onChange: (v: Cond) => void; onRemove?: () => void; root?: boolean }) {
  const kind = kindOf(value);
  if (kind === 'all' || kind === 'any') {
    const items = (Array.isArray(value[kind]) ? value[kind] : []) as Cond[];
    const set = (next: Cond[]) => onChange({ [kind]: next });
    return (
      <div className={`ctree-group ${root ? 'root' : ''}`}>
        <div className="row tight">
          <select aria-label="Match" value={kind} onChange={(e) => onChange({ [e.target.value]: items })}>
            {GROUPS.map((g) => (
              <option key={g} value={g}>
                {g === 'all' ? 'All of these' : 'Any of these'}
              </option>
            ))}
          </select>
          {onRemove && <Remove onClick={onRemove} />}
        </div>
        <div className="ctree-children">
          {items.map((c, i) => (
            <CondEditor key={i} value={c} onChange={(v) => set(items.map((x, j) => (j === i ? v : x)))} onRemove={() => set(items.filter((_, j) => j !== i))} />
          ))}
          <div className="row tight">
            <button type="button" className="btn small" onClick={() => set([...items, { ...LEAF_KINDS[0]![2] }])}>
              + Condition
            </button>
            <button type="button" className="btn small ghost" onClick={() => set([...items, { any: [] }])}>
              + Group
            </button>
          </div>
        </div>
      </div>
    );
  }
  if (kind === 'not') {
    return (
      <div className="ctree-not">
        <span className="ctree-tag">NOT</span>
        <CondEditor value={(value.not as Cond) ?? {}} onChange={(v) => onChange({ not: v })} onRemove={onRemove} />
      </div>
    );
  }
  return <Leaf value={value} kind={kind ?? 'attribute'} onChange={onChange} onRemove={onRemove} />;
}

function Leaf({ value, kind, onChange, onRemove }: { value: Cond; kind: string; onChange: (v: Cond) => void; onRemove?: () => void }) {
  const set = (patch: Cond) => onChange({ ...value, ...patch });
  const valid = useContext(LabelsContext);
  const listId = useId();
  const suggestions: Record<string, string[] | undefined> = { attribute: valid?.attributeKeys, event: valid?.eventTypes, lastEvent: valid?.eventTypes };
  const text = (key: string, label: string, placeholder = '') => (
    <>
      <input aria-label={label} placeholder={placeholder || label} list={suggestions[key] ? `${listId}-${key}` : undefined} value={String(value[key] ?? '')} onChange={(e) => set({ [key]: e.target.value })} />
      {suggestions[key] && (
        <datalist id={`${listId}-${key}`}>
          {suggestions[key].map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
      )}
    </>
  );
  const num = (key: string, label: string) => (
    <input aria-label={label} type="number" step="any" className="num-input" value={typeof value[key] === 'number' ? (value[key] as number) : ''} onChange={(e) => set({ [key]: e.target.value === '' ? undefined : Number(e.target.value) })} />
  );
  const op = (ops: string[]) => (
    <select aria-label="Comparison" value={String(value.op ?? ops[0])} onChange={(e) => set({ op: e.target.value })}>
      {ops.map((o) => (
        <option key={o} value={o}>
          {OP_LABEL[o]}
        </option>
      ))}
    </select>
  );
  const labels = (key: 'lifecycle' | 'valueTier' | 'rfm') => {
    const chosen = Array.isArray(value[key]) ? (value[key] as string[]) : [];
    if (!valid) {
      return <input aria-label="Values" placeholder="comma separated, e.g. new, repeat" value={chosen.join(', ')} onChange={(e) => set({ [key]: e.target.value.split(',').map((s) => s.trim()).filter(Boolean) })} />;
    }
    const toggle = (l: string) => set({ [key]: chosen.includes(l) ? chosen.filter((x) => x !== l) : [...chosen, l] });
    return (
      <fieldset className="ctree-labels" aria-label="Values">
        {valid[key].map((l) => (
          <label key={l} className="small">
            <input type="checkbox" checked={chosen.includes(l)} onChange={() => toggle(l)} /> {l}
          </label>
        ))}
      </fieldset>
    );
  };
  return (
    <div className="ctree-leaf">
      <div className="row tight">
        <select aria-label="Condition type" value={kind} onChange={(e) => onChange({ ...LEAF_KINDS.find(([k]) => k === e.target.value)![2] })}>
          {LEAF_KINDS.map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
        <button type="button" className="btn small ghost" title="Negate" onClick={() => onChange({ not: value })}>
          not
        </button>
        {onRemove && <Remove onClick={onRemove} />}
      </div>
      <div className="row tight wrap">
        {kind === 'attribute' && (
          <>
            {text('attribute', 'Attribute', 'attribute, e.g. country')}
            {op(FILTER)}
            {value.op !== 'exists' && value.op !== 'not_exists' && text('value', 'Value')}
          </>
        )}
        {kind === 'event' && (
          <>
            {text('event', 'Event', 'event, e.g. viewed_product')}
            {op(COMPARE)}
            {num('value', 'Times')}
            <span className="muted small">times within</span>
            {text('within', 'Within', '30d')}
          </>
        )}
        {kind === 'lastEvent' && (
          <>
            {text('lastEvent', 'Event', 'event')}
            {op(COMPARE)}
            {num('days', 'Days ago')}
            <span className="muted small">days ago</span>
          </>
        )}
        {kind === 'orders' && (
          <>
            <select aria-label="Order metric" value={String(value.orders)} onChange={(e) => set({ orders: e.target.value })}>
              {ORDER_METRICS.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
            {op(COMPARE)}
            {num('value', 'Value')}
          </>
        )}
        {kind === 'score' && (
          <>
            {valid ? (
              <select aria-label="Model" value={String(value.score ?? '')} onChange={(e) => set({ score: e.target.value })}>
                {valid.score.map((m) => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
              </select>
            ) : (
              text('score', 'Model', 'purchase, churn, clv…')
            )}
            {op(COMPARE)}
            {num('value', 'Score')}
          </>
        )}
        {(kind === 'lifecycle' || kind === 'valueTier' || kind === 'rfm') && labels(kind)}
      </div>
    </div>
  );
}

function Remove({ onClick }: { onClick: () => void }) {
  return (
    <button type="button" className="btn icon ghost" aria-label="Remove condition" onClick={onClick}>
      ×
    </button>
  );
}

/** How many customers match right now: the quickest sanity check of a segment. */
function SegmentCount({ definition }: { definition: Cond }) {
  const [out, setOut] = useState<string>('');
  const count = async () => {
    setOut('Counting…');
    try {
      const r = await post<{ count: number }>('/api/segments/count', { definition });
      setOut(`${fmtInt(r.count)} customer${r.count === 1 ? '' : 's'} match now`);
    } catch (e) {
      setOut(errorText(e));
    }
  };
  return (
    <div className="row tight">
      <button type="button" className="btn small" onClick={count}>
        Count matching customers
      </button>
      <span className="small muted" role="status">
        {out}
      </span>
    </div>
  );
}
