import type { Edge, Node, XYPosition } from '@xyflow/react';
import dagre from '@dagrejs/dagre';
import type { Field, GraphEdge, JourneySettings, NodeDescriptor } from '../types.ts';

/** Canvas nodes carry exactly the journey document's node: type, the version of the type it was built with, its name and config. */
export type NodeData = { type: string; typeVersion?: number; name?: string; config: Record<string, unknown> };
export type JNode = Node<NodeData, 'journey'>;
export type JEdge = Edge;

/** Everything in the journey document that is not the graph itself. */
export interface JourneyMeta {
  id: string;
  name: string;
  description?: string;
  settings: JourneySettings | Record<string, unknown>;
}

interface DocLike {
  id?: string;
  name?: string;
  description?: string;
  settings?: Record<string, unknown>;
  nodes?: { id: string; type: string; typeVersion?: number; name?: string; config?: Record<string, unknown>; position?: XYPosition }[];
  edges?: GraphEdge[];
}

export const NODE_WIDTH = 248;

export function docToFlow(doc: unknown, fallback: { id: string; name: string }): { meta: JourneyMeta; nodes: JNode[]; edges: JEdge[] } {
  const d = (doc && typeof doc === 'object' ? doc : {}) as DocLike;
  const meta: JourneyMeta = {
    id: d.id ?? fallback.id,
    name: d.name ?? fallback.name,
    ...(d.description ? { description: d.description } : {}),
    settings: d.settings ?? { reentry: 'once', exitOn: [] },
  };
  const nodes: JNode[] = (d.nodes ?? []).map((n, i) => ({
    id: n.id,
    type: 'journey',
    position: n.position ?? { x: i * 300, y: 0 },
    data: { type: n.type, ...(n.typeVersion ? { typeVersion: n.typeVersion } : {}), ...(n.name ? { name: n.name } : {}), config: n.config ?? {} },
  }));
  const edges: JEdge[] = (d.edges ?? []).map((e) => ({ id: e.id, source: e.source, sourceHandle: e.sourceHandle, target: e.target }));
  return { meta, nodes, edges };
}

/** The journey document the server stores, validates and publishes. */
export function flowToDoc(meta: JourneyMeta, nodes: readonly JNode[], edges: readonly JEdge[]) {
  return {
    ...meta,
    nodes: nodes.map((n) => ({ id: n.id, type: n.data.type, ...(n.data.typeVersion ? { typeVersion: n.data.typeVersion } : {}), ...(n.data.name?.trim() ? { name: n.data.name.trim() } : {}), config: n.data.config, position: { x: Math.round(n.position.x), y: Math.round(n.position.y) } })),
    edges: edges.map((e) => ({ id: e.id, source: e.source, sourceHandle: e.sourceHandle ?? '', target: e.target })),
  };
}

/** What a node is called wherever it is listed: the marketer's name for it ("Day 3: how-to"), else its type's title. */
export function nodeTitle(data: Pick<NodeData, 'type' | 'name'>, descriptor: NodeDescriptor | undefined): string {
  return data.name?.trim() || descriptor?.label || data.type;
}

/** A readable, unique id: `wait-delay-2`. Ids show up in traces and stats, so they should mean something. */
export function nextNodeId(type: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = type.replace(/[^a-zA-Z0-9]+/g, '-').toLowerCase();
  for (let i = 1; ; i++) if (!used.has(`${base}-${i}`)) return `${base}-${i}`;
}

export function edgeId(source: string, port: string, target: string): string {
  return `e-${source}-${port}-${target}`;
}

/** Field defaults, so a dropped node's form starts from what the node would use anyway. */
export function defaultConfig(fields: readonly Field[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f.default !== undefined) out[f.key] = structuredClone(f.default);
  return out;
}

function formatValue(field: Field, value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  switch (field.kind) {
    case 'boolean':
      // A switch left at its default says nothing about this node (wait.delay's "keep the local time").
      if (value === (field.default ?? false)) return null;
      return value === true ? field.label : `${field.label}: off`;
    case 'select':
      return field.options.find((o) => o.value === value)?.label ?? String(value);
    case 'multiselect':
      return Array.isArray(value) && value.length ? value.map((v) => field.options.find((o) => o.value === v)?.label ?? String(v)).join(', ') : null;
    case 'filters':
      return Array.isArray(value) && value.length ? value.map((f: { path?: string; op?: string; value?: unknown }) => `${f.path} ${f.op}${f.value !== undefined ? ` ${f.value}` : ''}`).join(' and ') : null;
    case 'stringList':
      return Array.isArray(value) && value.length ? value.join(', ') : null;
    case 'json':
      // A list of named things (A/B variants) reads well as names; a nested definition does not fit one line.
      if (Array.isArray(value)) return value.map((v) => (v && typeof v === 'object' && 'name' in v ? String((v as { name: unknown }).name) : JSON.stringify(v))).join(' / ');
      return typeof value === 'object' ? `${field.label} ✓` : String(value);
    case 'template':
      return String(value).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim() || null;
    default:
      return String(value);
  }
}

/** One line that says what a configured node does: its set values, required fields first. */
export function summarize(descriptor: NodeDescriptor | undefined, config: Record<string, unknown>): string {
  if (!descriptor) return '';
  const ordered = [...descriptor.fields.filter((f) => f.required), ...descriptor.fields.filter((f) => !f.required)];
  const parts: string[] = [];
  for (const f of ordered) {
    const text = formatValue(f, config[f.key] ?? f.default);
    if (text) parts.push(text);
    if (parts.length === 3) break;
  }
  const line = parts.join(' · ');
  return line.length > 64 ? `${line.slice(0, 63)}…` : line;
}

/** Height of a node before React Flow has measured it: header, summary and one row per port. */
function sizeOf(n: JNode, portCount: (n: JNode) => number): { width: number; height: number } {
  return { width: n.measured?.width ?? NODE_WIDTH, height: n.measured?.height ?? 100 + 24 * portCount(n) };
}

/**
 * True if a document's layout does not suit these nodes: boxes overlap, or most edges do not run
 * left to right (positions written for smaller or top-to-bottom nodes, or no positions at all).
 */
export function needsLayout(nodes: readonly JNode[], edges: readonly JEdge[], portCount: (n: JNode) => number = () => 1): boolean {
  const boxes = nodes.map((n) => ({ ...n.position, ...sizeOf(n, portCount) }));
  const overlap = boxes.some((a, i) => boxes.some((b, j) => j > i && a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height));
  const at = new Map(nodes.map((n) => [n.id, n.position.x]));
  const backwards = edges.filter((e) => (at.get(e.target) ?? 0) < (at.get(e.source) ?? 0) + NODE_WIDTH / 2).length;
  return overlap || backwards * 2 > edges.length;
}

/** Left-to-right layered layout (dagre), keeping each node's measured size. */
export function autoLayout(nodes: readonly JNode[], edges: readonly JEdge[], portCount: (n: JNode) => number = () => 1): JNode[] {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 32, ranksep: 60, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, sizeOf(n, portCount));
  for (const e of edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  return nodes.map((n) => {
    const p = g.node(n.id);
    return p ? { ...n, position: { x: p.x - p.width / 2, y: p.y - p.height / 2 } } : n;
  });
}

/** Copies of the given nodes (and the edges among them) with fresh ids, shifted by `offset`. */
export function cloneSubgraph(nodes: readonly JNode[], edges: readonly JEdge[], takenIds: Iterable<string>, offset: XYPosition): { nodes: JNode[]; edges: JEdge[] } {
  const taken = new Set(takenIds);
  const idMap = new Map<string, string>();
  const copies = nodes.map((n) => {
    const id = nextNodeId(n.data.type, taken);
    taken.add(id);
    idMap.set(n.id, id);
    return { id, type: 'journey' as const, position: { x: n.position.x + offset.x, y: n.position.y + offset.y }, data: structuredClone(n.data), selected: true };
  });
  const copiedEdges = edges
    .filter((e) => idMap.has(e.source) && idMap.has(e.target))
    .map((e) => {
      const source = idMap.get(e.source)!;
      const target = idMap.get(e.target)!;
      return { id: edgeId(source, e.sourceHandle ?? '', target), source, sourceHandle: e.sourceHandle, target };
    });
  return { nodes: copies, edges: copiedEdges };
}

/** Strips the validator's `node "x" (type): ` prefix where the problem is already shown on that node. */
export function problemText(message: string): string {
  return message.replace(/^node "[^"]*"(?: \([^)]*\))?: /, '');
}

const READABLE_ZOOM = 0.5;

/** Fits the bounds when that keeps nodes readable; otherwise shows the left (entry) end at a readable zoom. */
export function initialViewport(b: { x: number; y: number; width: number; height: number }, width: number, height: number) {
  const pad = 48;
  const fit = Math.min(1, (width - 2 * pad) / Math.max(1, b.width), (height - 2 * pad) / Math.max(1, b.height));
  const zoom = Math.max(fit, READABLE_ZOOM);
  const x = fit >= READABLE_ZOOM ? (width - b.width * zoom) / 2 - b.x * zoom : pad - b.x * zoom;
  const y = (height - b.height * zoom) / 2 - b.y * zoom;
  return { x, y, zoom };
}
