import { memo, useEffect } from 'react';
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { fmtInt } from '../format.ts';
import { MessageCounts } from '../stats/MessageCounts.tsx';
import { portsFor, useCanvasInfo } from './context.ts';
import { nodeTitle, problemText, summarize, type JNode } from './graph.ts';

/**
 * The one node component for every node type, built-in or plugin: handles come from the node's
 * ports, the subtitle from its config, the badge from the validator, the numbers from stats.
 */
function JourneyNodeView({ id, data, selected }: NodeProps<JNode>) {
  const info = useCanvasInfo();
  const descriptor = info.descriptors.get(data.type);
  const ports = portsFor(info, id, data.type);
  const problems = info.problems.get(id) ?? [];
  const counts = info.counts?.[id];
  const category = descriptor?.category ?? 'unknown';
  const traced = info.trace ? info.trace.nodes.has(id) : null;
  const updateNodeInternals = useUpdateNodeInternals();
  const portKey = ports.join('\u0000');
  // Handles moved or appeared (e.g. a new A/B variant): React Flow must re-measure them.
  useEffect(() => updateNodeInternals(id), [id, portKey, updateNodeInternals]);

  const classes = ['jnode', `cat-${category}`, selected ? 'selected' : '', problems.length ? 'invalid' : '', traced === false ? 'dimmed' : '', traced ? 'traced' : '', info.trace?.current === id ? 'current' : ''];
  return (
    <div className={classes.filter(Boolean).join(' ')} data-node-id={id} data-node-type={data.type} title={problems.map((p) => problemText(p.message)).join('\n') || undefined}>
      {category !== 'trigger' && <Handle type="target" position={Position.Left} className="handle-in" />}
      <div className="jnode-head">
        <span className="jnode-cat">{category}</span>
        <span className="jnode-id">{id}</span>
        {problems.length > 0 && (
          <span className="jnode-problems" aria-label={`${problems.length} problem${problems.length > 1 ? 's' : ''}`}>
            {problems.length}
          </span>
        )}
      </div>
      <div className="jnode-title">{nodeTitle(data, descriptor)}</div>
      <div className="jnode-summary">{summarize(descriptor, data.config) || <span className="muted">{descriptor ? 'Not configured' : `Unknown type ${data.type}`}</span>}</div>
      {counts && (
        <div className={`jnode-counts ${info.countsLabel ?? ''}`} data-testid="node-counts">
          <span>
            <b>{fmtInt(counts.entered)}</b> entered
          </span>
          {counts.waiting > 0 && (
            <span>
              <b>{fmtInt(counts.waiting)}</b> waiting
            </span>
          )}
        </div>
      )}
      {info.messages?.[id] && <MessageCounts m={info.messages[id]} />}
      {ports.length > 0 && (
        <div className="jnode-ports">
          {ports.map((p) => (
            <div className="jnode-port" key={p}>
              {counts && <span className="port-count">{fmtInt(counts.ports[p] ?? 0)}</span>}
              <span className="port-name">{p}</span>
              <Handle type="source" position={Position.Right} id={p} className="handle-out" />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

export const JourneyNode = memo(JourneyNodeView);
export const nodeTypes = { journey: JourneyNode };
