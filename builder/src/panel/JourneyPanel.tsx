import type { Field, Problem } from '../types.ts';
import type { JourneyMeta } from '../canvas/graph.ts';
import { problemText } from '../canvas/graph.ts';
import { FieldInput } from './FieldInput.tsx';

interface Settings {
  reentry?: string;
  reentryAfter?: string;
  goal?: { event: string; within?: string };
  exitOn?: { event: string }[];
  holdout?: number;
  priority?: number;
  valueModel?: string;
}

// Journey settings use the same field kinds as nodes, so one form renderer serves both.
const FIELDS: Field[] = [
  { key: 'name', label: 'Journey name', kind: 'text', required: true },
  {
    key: 'reentry',
    label: 'Re-entry',
    kind: 'select',
    required: true,
    options: [
      { value: 'once', label: 'Once per customer' },
      { value: 'always', label: 'Again after each run ends' },
      { value: 'after', label: 'Again after a waiting period' },
    ],
  },
  { key: 'reentryAfter', label: 'Waiting period before re-entry', kind: 'duration', help: 'Only with “Again after a waiting period”.' },
  { key: 'goalEvent', label: 'Goal event', kind: 'text', placeholder: 'e.g. purchase', help: 'A customer who does this converts and leaves the journey.' },
  { key: 'goalWithin', label: 'Goal counts within', kind: 'duration' },
  { key: 'exitOn', label: 'Exit when the customer does', kind: 'stringList', help: 'Event types, one per line, e.g. unsubscribe.' },
  {
    key: 'holdout',
    label: 'Holdout (%)',
    kind: 'number',
    min: 0,
    max: 50,
    step: 1,
    help: 'Keep this share of customers (0–50 %, the same ones every time) out of the journey and compare their goal and revenue with the others: the lift report in Numbers.',
  },
  {
    key: 'priority',
    label: 'Priority',
    kind: 'number',
    integer: true,
    min: -1000,
    max: 1000,
    help: 'With a shared message budget, the journey with the higher priority gets the email when several compete for one customer (default 0).',
  },
  {
    key: 'valueModel',
    label: 'Value model',
    kind: 'text',
    pattern: '^[a-z0-9_]+$',
    placeholder: 'e.g. purchase',
    help: 'Among equal priorities, the email worth most wins: predicted CLV × this model\'s score (purchase, churn, engagement).',
  },
];

function read(meta: JourneyMeta, key: string): unknown {
  const s = meta.settings as Settings;
  switch (key) {
    case 'name':
      return meta.name;
    case 'goalEvent':
      return s.goal?.event;
    case 'goalWithin':
      return s.goal?.within;
    case 'exitOn':
      return s.exitOn?.map((e) => e.event);
    default:
      return (s as Record<string, unknown>)[key];
  }
}

function write(meta: JourneyMeta, key: string, value: unknown): JourneyMeta {
  const s = { ...(meta.settings as Settings) } as Settings & Record<string, unknown>;
  if (key === 'name') return { ...meta, name: String(value ?? '') };
  if (key === 'goalEvent' || key === 'goalWithin') {
    const goal = { ...(s.goal ?? { event: '' }), [key === 'goalEvent' ? 'event' : 'within']: value };
    if (goal.within === undefined) delete goal.within;
    if (!goal.event && !goal.within) delete s.goal;
    else s.goal = goal as Settings['goal'];
  } else if (key === 'exitOn') {
    s.exitOn = ((value as string[] | undefined) ?? []).filter(Boolean).map((event) => ({ event }));
  } else if (value === undefined || value === '') delete s[key]; // a cleared text box unsets the setting
  else s[key] = value;
  return { ...meta, settings: s };
}

/** Shown when no single node is selected: the journey's own settings and document-level problems. */
export function JourneyPanel({ meta, problems, onChange }: { meta: JourneyMeta; problems: Problem[]; onChange: (meta: JourneyMeta, key: string) => void }) {
  const docProblems = problems.filter((p) => !p.nodeId);
  const forField = (key: string) => {
    const path = key === 'name' ? 'name' : key === 'goalEvent' ? 'settings.goal.event' : key === 'goalWithin' ? 'settings.goal.within' : `settings.${key}`;
    return docProblems.filter((p) => p.field === path).map((p) => problemText(p.message));
  };
  return (
    <div className="panel-body">
      <div className="panel-head">
        <h2>Journey settings</h2>
        <p className="muted">Select a node on the canvas to configure it.</p>
      </div>
      {docProblems
        .filter((p) => !FIELDS.some((f) => forField(f.key).length))
        .map((p) => (
          <p key={p.message} className="problem" role="alert">
            {problemText(p.message)}
          </p>
        ))}
      <form className="form" onSubmit={(e) => e.preventDefault()}>
        {FIELDS.map((f) => (
          <FieldInput key={f.key} field={f} value={read(meta, f.key)} problems={forField(f.key)} onChange={(v) => onChange(write(meta, f.key, v), f.key)} />
        ))}
      </form>
    </div>
  );
}
