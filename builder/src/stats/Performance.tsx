import { fmtInt, fmtPct } from '../format.ts';
import { nodeTitle, type JEdge, type JNode } from '../canvas/graph.ts';
import type { JourneyMessageStats, NodeCounts, NodeDescriptor, VariantRow } from '../types.ts';
import { ABTable } from './ABTable.tsx';
import { LiftReport } from './LiftReport.tsx';
import type { JourneyLift } from '../../../engine/stats/journey-lift.ts';
import { DeliveryLog } from './DeliveryLog.tsx';
import { Messages } from './Messages.tsx';
import { fmtMoney } from './money.ts';

/** Nodes in the order customers meet them: breadth-first from the triggers. */
export function flowOrder(nodes: readonly JNode[], edges: readonly JEdge[], descriptors: Map<string, NodeDescriptor>): JNode[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const queue = nodes.filter((n) => descriptors.get(n.data.type)?.category === 'trigger').map((n) => n.id);
  const seen = new Set<string>();
  const out: JNode[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id) || !byId.has(id)) continue;
    seen.add(id);
    out.push(byId.get(id)!);
    for (const e of edges) if (e.source === id) queue.push(e.target);
  }
  return out;
}

export interface FunnelStep {
  id: string;
  label: string;
  count: number;
}

/** A funnel as horizontal bars, each step's share of the first. */
export function Funnel({ steps }: { steps: FunnelStep[] }) {
  const top = Math.max(1, steps[0]?.count ?? 0);
  return (
    <ol className="funnel" aria-label="Funnel">
      {steps.map((s) => (
        <li key={s.id}>
          <div className="funnel-label">
            <span>{s.label}</span>
            <span className="muted">
              {fmtInt(s.count)} · {fmtPct(s.count / top, 0)}
            </span>
          </div>
          <div className="funnel-track">
            <div className="funnel-bar" style={{ width: `${Math.max(1, (s.count / top) * 100)}%` }} />
          </div>
        </li>
      ))}
    </ol>
  );
}

export function Performance(props: {
  nodes: JNode[];
  edges: JEdge[];
  descriptors: Map<string, NodeDescriptor>;
  counts: Record<string, NodeCounts> | null;
  converted: number;
  ab: Record<string, VariantRow[]>;
  source: 'live' | 'backtest' | null;
  /** The live lift report (journey and message holdouts); null without a holdout. */
  lift?: JourneyLift | null;
  /** Customers held out of the journey: they entered but never ran, so conversion is read over the others. */
  heldOut?: number;
  onDeclareWinner?: (nodeId: string, variant: string) => void;
  /** Live message analytics and the journey whose delivery log to show (live numbers only). */
  messages?: JourneyMessageStats | null;
  journeyId?: string;
}) {
  const { counts, converted } = props;
  if (!counts) return <div className="panel-body"><p className="muted">No numbers yet. Publish the journey to see live numbers, or run a backtest on stored history.</p></div>;
  const order = flowOrder(props.nodes, props.edges, props.descriptors);
  const byId = new Map(props.nodes.map((n) => [n.id, n]));
  const title = (id: string) => {
    const n = byId.get(id);
    return n ? nodeTitle(n.data, props.descriptors.get(n.data.type)) : id;
  };
  const steps: FunnelStep[] = order.map((n) => ({ id: n.id, label: title(n.id), count: counts[n.id]?.entered ?? 0 }));
  const entered = steps[0]?.count ?? 0;
  steps.push({ id: '$converted', label: 'Converted', count: converted });
  const waiting = Object.values(counts).reduce((s, c) => s + (c.waiting ?? 0), 0);
  const heldOut = props.heldOut ?? 0;
  const treated = entered - heldOut;
  return (
    <div className="panel-body">
      <div className="panel-head">
        <h2>{props.source === 'backtest' ? 'Backtest results' : 'Live performance'}</h2>
      </div>
      <div className="kpis">
        <div className="kpi">
          <span className="kpi-value">{fmtInt(entered)}</span>
          <span className="kpi-label">entered</span>
        </div>
        <div className="kpi">
          <span className="kpi-value">{fmtInt(waiting)}</span>
          <span className="kpi-label">waiting now</span>
        </div>
        {heldOut > 0 && (
          <div className="kpi">
            <span className="kpi-value">{fmtInt(heldOut)}</span>
            <span className="kpi-label">held out</span>
          </div>
        )}
        <div className="kpi">
          <span className="kpi-value">{fmtInt(converted)}</span>
          <span className="kpi-label">
            converted · {fmtPct(treated ? converted / treated : null)}
            {heldOut > 0 && ' of treated'}
          </span>
        </div>
        {props.messages && (
          <div className="kpi" data-testid="journey-revenue">
            <span className="kpi-value">{fmtMoney(props.messages.revenue)}</span>
            <span className="kpi-label">revenue from messages</span>
          </div>
        )}
      </div>
      <section className="panel-section">
        <h3>Funnel</h3>
        <Funnel steps={steps} />
      </section>
      {props.lift && <LiftReport lift={props.lift} />}
      {Object.entries(props.ab).map(([nodeId, rows]) => (
        <section className="panel-section" key={nodeId}>
          <h3>A/B: {title(nodeId)}</h3>
          <ABTable rows={rows} onDeclareWinner={props.onDeclareWinner && ((variant) => props.onDeclareWinner!(nodeId, variant))} />
        </section>
      ))}
      {props.messages && <Messages stats={props.messages} order={order.map((n) => n.id)} title={title} />}
      {props.journeyId && props.source === 'live' && <DeliveryLog path={`/api/journeys/${encodeURIComponent(props.journeyId)}/deliveries`} searchable title={title} />}
    </div>
  );
}
