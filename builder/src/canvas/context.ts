import { createContext, useContext } from 'react';
import type { NodeCounts, NodeDescriptor, NodeMessageStats, Problem } from '../types.ts';

/**
 * What every node on the canvas reads but the document does not hold: descriptors, the ports
 * the server computed for the current config, validation problems, the numbers overlay and the
 * traced path. Kept out of node data so a stats refresh does not rewrite the document.
 */
export interface CanvasInfo {
  descriptors: Map<string, NodeDescriptor>;
  ports: Record<string, string[]>;
  problems: Map<string, Problem[]>;
  counts: Record<string, NodeCounts> | null;
  countsLabel: 'live' | 'backtest' | null;
  /** Live message numbers of effect nodes (sent, opened, clicked, failed, skipped). */
  messages?: Record<string, NodeMessageStats> | null;
  trace: { nodes: Set<string>; current: string | null } | null;
}

export const CanvasContext = createContext<CanvasInfo>({
  descriptors: new Map(),
  ports: {},
  problems: new Map(),
  counts: null,
  countsLabel: null,
  trace: null,
});

export const useCanvasInfo = () => useContext(CanvasContext);

/** Ports of a node: the server's answer for its current config, else the descriptor's defaults. */
export function portsFor(info: CanvasInfo, nodeId: string, type: string): string[] {
  return info.ports[nodeId] ?? info.descriptors.get(type)?.ports ?? [];
}
