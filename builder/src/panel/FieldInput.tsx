import { createContext, useContext, useEffect, useState } from 'react';
import type { Field, Filter, Suggest } from '../types.ts';
import { TemplatePreview } from './TemplatePreview.tsx';
import { ConditionTree, isConditionTree } from './ConditionTree.tsx';

export interface FieldInputProps {
  field: Field;
  value: unknown;
  onChange: (value: unknown) => void;
  problems: string[];
  /** The other values of the same form, for previews that combine fields (an email's subject and body). */
  siblings?: Record<string, unknown>;
}

/** What text fields with `suggest` offer while typing (saved segment names, …), provided by the editor. */
export const SuggestionsContext = createContext<Partial<Record<Suggest, string[]>>>({});

/** One form control per field kind; the panel renders a node's form from its declared fields alone. */
export function FieldInput({ field, value, onChange, problems, siblings = {} }: FieldInputProps) {
  const id = `field-${field.key}`;
  const suggestions = useContext(SuggestionsContext);
  const control = renderControl(id, field, value, onChange, problems.length > 0, siblings, suggestions);
  return (
    <div className={`field ${problems.length ? 'has-error' : ''}`} data-field={field.key}>
      {field.kind === 'boolean' ? (
        <label className="check" htmlFor={id}>
          {control}
          <span>{field.label}</span>
        </label>
      ) : (
        <>
          <label htmlFor={id}>
            {field.label}
            {field.required && field.default === undefined && <span className="req"> *</span>}
          </label>
          {control}
        </>
      )}
      {problems.map((p) => (
        <p key={p} className="field-error" role="alert">
          {p}
        </p>
      ))}
      {field.help && <p className="help">{field.help}</p>}
      {field.adminOnly && <p className="help">Only an admin can change this setting.</p>}
    </div>
  );
}

function renderControl(
  id: string,
  field: Field,
  value: unknown,
  onChange: (v: unknown) => void,
  invalid: boolean,
  siblings: Record<string, unknown>,
  suggestions: Partial<Record<Suggest, string[]>>,
) {
  const aria = { id, 'aria-invalid': invalid || undefined };
  switch (field.kind) {
    case 'text':
      return field.multiline ? (
        <textarea {...aria} rows={3} value={str(value)} placeholder={field.placeholder} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <>
          <input {...aria} type="text" value={str(value)} placeholder={field.placeholder} list={field.suggest ? `${id}-suggest` : undefined} onChange={(e) => onChange(e.target.value)} />
          {field.suggest && (
            <datalist id={`${id}-suggest`}>
              {(suggestions[field.suggest] ?? []).map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
          )}
        </>
      );
    case 'number':
      return <NumberInput aria={aria} value={value} min={field.min} max={field.max} step={field.step ?? (field.integer ? 1 : 'any')} onChange={onChange} />;
    case 'boolean':
      return <input {...aria} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
    case 'select':
      return (
        <select {...aria} value={str(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
          {(!field.required || value === undefined) && <option value="">Choose…</option>}
          {field.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      );
    case 'multiselect': {
      const selected = Array.isArray(value) ? (value as string[]) : [];
      return (
        <div className="chips" id={id} role="group">
          {field.options.map((o) => (
            <label key={o.value} className={`chip ${selected.includes(o.value) ? 'on' : ''}`}>
              <input type="checkbox" checked={selected.includes(o.value)} onChange={(e) => onChange(e.target.checked ? [...selected, o.value] : selected.filter((s) => s !== o.value))} />
              {o.label}
            </label>
          ))}
        </div>
      );
    }
    case 'duration':
      return <DurationInput aria={aria} value={value} onChange={onChange} />;
    case 'template':
      return (
        <>
          <textarea {...aria} className="mono" rows={field.multiline ? 6 : 2} value={str(value)} onChange={(e) => onChange(e.target.value)} />
          <TemplatePreview fieldKey={field.key} template={str(value)} siblings={siblings} />
        </>
      );
    case 'filters':
      return <FiltersInput id={id} value={value} onChange={onChange} />;
    case 'stringList':
      return (
        <textarea
          {...aria}
          rows={3}
          placeholder="One per line"
          value={Array.isArray(value) ? value.join('\n') : ''}
          onChange={(e) => onChange(e.target.value.split('\n').map((s) => s.trim()).filter((s, i, all) => s || i === all.length - 1))}
        />
      );
    case 'json':
      return <JsonInput aria={aria} value={value} example={exampleFrom(field.help)} onChange={onChange} />;
  }
}

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

function NumberInput({ aria, value, min, max, step, onChange }: { aria: object; value: unknown; min?: number; max?: number; step: number | 'any'; onChange: (v: unknown) => void }) {
  return (
    <input
      {...aria}
      type="number"
      min={min}
      max={max}
      step={step}
      value={typeof value === 'number' ? value : ''}
      onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
    />
  );
}

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$/;
const UNITS = [
  ['m', 'minutes'],
  ['h', 'hours'],
  ['d', 'days'],
  ['w', 'weeks'],
  ['s', 'seconds'],
] as const;

/** A number and a unit, written back as the document's `3d` form. */
function DurationInput({ aria, value, onChange }: { aria: object; value: unknown; onChange: (v: unknown) => void }) {
  const m = DURATION.exec(str(value));
  const amount = m ? m[1]! : '';
  const unit = m ? m[2]! : 'd';
  return (
    <div className="row tight">
      <input {...aria} type="number" min={0} step="any" className="grow" value={amount} onChange={(e) => onChange(e.target.value === '' ? undefined : `${e.target.value}${unit}`)} />
      <select aria-label="Unit" value={unit} onChange={(e) => amount && onChange(`${amount}${e.target.value}`)}>
        {UNITS.map(([u, label]) => (
          <option key={u} value={u}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

const OPS: [Filter['op'], string][] = [
  ['eq', 'is'],
  ['ne', 'is not'],
  ['gt', '>'],
  ['gte', '≥'],
  ['lt', '<'],
  ['lte', '≤'],
  ['contains', 'contains'],
  ['exists', 'is set'],
  ['not_exists', 'is not set'],
];

/** Conditions joined by "and": property path, operator, value. */
function FiltersInput({ id, value, onChange }: { id: string; value: unknown; onChange: (v: unknown) => void }) {
  const rows = Array.isArray(value) ? (value as Filter[]) : [];
  const set = (i: number, patch: Partial<Filter>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="filters" id={id}>
      {rows.map((r, i) => (
        <div className="row tight filter-row" key={i}>
          <input aria-label="Property" placeholder="property, e.g. category" value={r.path ?? ''} onChange={(e) => set(i, { path: e.target.value })} />
          <select aria-label="Operator" value={r.op} onChange={(e) => set(i, { op: e.target.value as Filter['op'] })}>
            {OPS.map(([op, label]) => (
              <option key={op} value={op}>
                {label}
              </option>
            ))}
          </select>
          {r.op !== 'exists' && r.op !== 'not_exists' && (
            <input aria-label="Value" placeholder="value" value={str(r.value)} onChange={(e) => set(i, { value: typed(e.target.value) })} />
          )}
          <button type="button" className="btn icon ghost" aria-label="Remove condition" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            ×
          </button>
        </div>
      ))}
      <button type="button" className="btn small" onClick={() => onChange([...rows, { path: '', op: 'eq', value: '' }])}>
        + Add condition
      </button>
    </div>
  );
}

/** Numbers and booleans typed into a value box are stored as such, so `gt 100` compares numerically. */
function typed(text: string): string | number | boolean {
  if (text === 'true' || text === 'false') return text === 'true';
  return text.trim() !== '' && !Number.isNaN(Number(text)) ? Number(text) : text;
}

/** The JSON example a field's help gives after "e.g.", so a blank JSON field can start from it. */
export function exampleFrom(help: string | undefined): unknown {
  const m = /e\.g\.\s*([[{][\s\S]*?)[.\s]*$/.exec(help ?? '');
  if (!m) return undefined;
  try {
    return JSON.parse(m[1]!);
  } catch {
    return undefined;
  }
}

type Row = Record<string, string | number | boolean | null>;

function isTable(v: unknown): v is Row[] {
  return Array.isArray(v) && v.length > 0 && v.every((r) => r && typeof r === 'object' && !Array.isArray(r) && Object.values(r).every((x) => x === null || typeof x !== 'object'));
}

/**
 * JSON values: a list of flat records (A/B variants with weights, say) gets a table editor;
 * anything else a JSON text box that only writes back once it parses.
 */
function JsonInput({ aria, value, example, onChange }: { aria: { id: string }; value: unknown; example: unknown; onChange: (v: unknown) => void }) {
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [parseError, setParseError] = useState('');
  const [raw, setRaw] = useState(!isTable(value) && !isConditionTree(value));
  useEffect(() => {
    setText((t) => {
      try {
        return JSON.stringify(JSON.parse(t)) === JSON.stringify(value ?? null) ? t : JSON.stringify(value ?? null, null, 2);
      } catch {
        return t;
      }
    });
  }, [value]);

  if (!raw && isConditionTree(value)) {
    return (
      <>
        <ConditionTree id={aria.id} value={value} onChange={onChange} />
        <button type="button" className="btn small ghost" onClick={() => setRaw(true)}>
          Edit as JSON
        </button>
      </>
    );
  }
  if (!raw && isTable(value)) {
    const columns = [...new Set(value.flatMap((r) => Object.keys(r)))];
    const set = (i: number, key: string, v: string) => onChange(value.map((r, j) => (j === i ? { ...r, [key]: typeof r[key] === 'number' ? (v === '' ? null : Number(v)) : v } : r)));
    return (
      <div className="json-table" id={aria.id}>
        <table>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {value.map((r, i) => (
              <tr key={i}>
                {columns.map((c) => (
                  <td key={c}>
                    <input aria-label={`${c} ${i + 1}`} type={typeof r[c] === 'number' ? 'number' : 'text'} value={str(r[c])} onChange={(e) => set(i, c, e.target.value)} />
                  </td>
                ))}
                <td>
                  <button type="button" className="btn icon ghost" aria-label={`Remove row ${i + 1}`} onClick={() => onChange(value.filter((_, j) => j !== i))}>
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="row gap">
          <button type="button" className="btn small" onClick={() => onChange([...value, Object.fromEntries(columns.map((c) => [c, typeof value[0]![c] === 'number' ? value[0]![c] : '']))])}>
            + Add row
          </button>
          <button type="button" className="btn small ghost" onClick={() => setRaw(true)}>
            Edit as JSON
          </button>
        </div>
      </div>
    );
  }
  return (
    <>
      <textarea
        {...aria}
        className="mono"
        rows={6}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          try {
            onChange(JSON.parse(e.target.value));
            setParseError('');
          } catch (err) {
            setParseError(`Not valid JSON yet: ${(err as Error).message}`);
          }
        }}
      />
      {parseError && <p className="field-error">{parseError}</p>}
      {(isTable(value) || isConditionTree(value)) && (
        <button type="button" className="btn small ghost" onClick={() => setRaw(false)}>
          {isTable(value) ? 'Edit as table' : 'Edit as conditions'}
        </button>
      )}
      {value === undefined && example !== undefined && (
        <button type="button" className="btn small" onClick={() => (onChange(example), setRaw(false))}>
          Start from the example
        </button>
      )}
    </>
  );
}
