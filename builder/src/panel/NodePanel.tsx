import type { ReactNode } from 'react';
import type { NodeDescriptor, Problem, VariantRow } from '../types.ts';
import { nodeTitle, problemText, type JNode } from '../canvas/graph.ts';
import { ABTable } from '../stats/ABTable.tsx';
import { FieldInput } from './FieldInput.tsx';

/** Problems that concern field `key` (or a part of it, e.g. `variants.1.weight`). */
export function fieldProblems(problems: readonly Problem[], key: string): string[] {
  return problems.filter((p) => p.field === key || p.field?.startsWith(`${key}.`)).map((p) => problemText(p.message));
}

export function NodePanel(props: {
  node: JNode;
  descriptor: NodeDescriptor | undefined;
  problems: Problem[];
  ab: VariantRow[] | undefined;
  onConfig: (key: string, value: unknown) => void;
  /** Renames the node (empty: back to the type's title). */
  onName: (name: string) => void;
  onDelete: () => void;
  /** Node-type specific tools shown under the settings (e.g. the email node's test send). */
  tools?: ReactNode;
}) {
  const { node, descriptor, problems, ab } = props;
  const keys = new Set(descriptor?.fields.map((f) => f.key));
  const general = problems.filter((p) => !p.field || !keys.has(p.field.split('.')[0]!));
  return (
    <div className="panel-body" data-panel-node={node.id}>
      <div className="panel-head">
        <span className={`badge cat cat-${descriptor?.category ?? 'unknown'}`}>{descriptor?.category ?? 'unknown'}</span>
        <h2>{nodeTitle(node.data, descriptor)}</h2>
        <p className="muted small">
          <code>{node.id}</code> · {node.data.type}
        </p>
        {descriptor && <p className="muted">{descriptor.description}</p>}
      </div>
      {general.map((p) => (
        <p key={p.message} className="problem" role="alert">
          {problemText(p.message)}
        </p>
      ))}
      {!descriptor && <p className="problem">This node type is not installed on the server. Install its plugin or delete the node.</p>}
      <form className="form" onSubmit={(e) => e.preventDefault()}>
        <FieldInput
          field={{ key: 'name', label: 'Name', kind: 'text', placeholder: descriptor?.label ?? node.data.type, help: 'What the canvas, the funnel, the trace and the message numbers call this step, e.g. "Day 3: how-to".' }}
          value={node.data.name ?? ''}
          siblings={node.data.config}
          problems={[]}
          onChange={(v) => props.onName(typeof v === 'string' ? v : '')}
        />
        {descriptor?.fields.map((f) => (
          <FieldInput key={f.key} field={f} value={node.data.config[f.key]} siblings={node.data.config} problems={fieldProblems(problems, f.key)} onChange={(v) => props.onConfig(f.key, v)} />
        ))}
        {descriptor?.fields.length === 0 && <p className="muted">This node has no settings.</p>}
      </form>
      {ab && ab.length > 0 && (
        <section className="panel-section">
          <h3>Experiment results</h3>
          <ABTable rows={ab} />
        </section>
      )}
      {props.tools}
      <div className="panel-foot">
        <button type="button" className="btn ghost danger" onClick={props.onDelete}>
          Delete node
        </button>
      </div>
    </div>
  );
}
