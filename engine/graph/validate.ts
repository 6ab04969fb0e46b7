import { EMAIL_UNSUBSCRIBED } from '../core/email-events.ts';
import { errorMessage } from '../core/errors.ts';
import { JOURNEY_NODE } from '../executor/unit.ts';
import { migrateNode } from './migrate.ts';
import { applyDefaults, checkFields } from '../plugin/fields.ts';
import { BUILT_IN, type NodeRegistry } from '../plugin/registry.ts';
import { loopProblems } from './cycles.ts';
import { sizeProblems } from './limits.ts';
import { goalPreemptedBranches } from './preempted.ts';
import type { z } from 'zod';
import { journeySchema, settingsSchema, type JourneyGraph, type Problem } from './types.ts';

export interface ValidationResult {
  ok: boolean;
  problems: Problem[];
  /** What runs but is likely a mistake (e.g. a branch the goal always pre-empts); never blocks publishing. */
  warnings: Problem[];
  graph?: JourneyGraph;
  /** Output ports per node, for the builder (dynamic ports follow config). */
  ports: Record<string, string[]>;
}

/**
 * Node ids key plain objects across the engine (stats, analytics, migration mappings): an id
 * like "__proto__" would write into every object of the server, "constructor" would read one
 * that is not there, and the journey's own counters sit on `$journey`.
 */
function isReservedNodeId(id: string): boolean {
  return id === JOURNEY_NODE || id in Object.prototype;
}

export interface ValidateOptions {
  /**
   * Apply the size limit and the loop minimum wait (default). Off only when compiling a
   * version published before these rules existed: its runs keep going as they were built.
   */
  limits?: boolean;
}

/**
 * Validates a journey document and reports every problem at once, each
 * naming the node or edge and the field concerned.
 */
export function validateJourney(doc: unknown, registry: NodeRegistry, opts: ValidateOptions = {}): ValidationResult {
  const limits = opts.limits ?? true;
  const tooLarge = limits ? sizeProblems(doc) : [];
  if (tooLarge.length) return { ok: false, problems: tooLarge, warnings: [], ports: {} };
  const settings = settingsProblems(doc);
  // Unreadable settings do not hide the rest: the graph is checked with default settings meanwhile.
  const unreadable = isObject(doc) && !settingsSchema.optional().safeParse(doc.settings).success;
  const parsed = journeySchema.safeParse(unreadable ? { ...doc, settings: undefined } : doc);
  if (!parsed.success) return { ok: false, problems: [...settings, ...parsed.error.issues.map((i) => issueProblem(doc, i))], warnings: [], ports: {} };
  const graph = parsed.data;
  const problems: Problem[] = [...settings];
  const laterWarnings: Problem[] = [];
  const ports: Record<string, string[]> = {};
  const ids = new Set<string>();
  // Edges cannot tell two nodes of one id apart: their port and loop checks would blame the wrong node.
  const duplicated = new Set<string>();

  for (const node of graph.nodes) {
    if (ids.has(node.id)) {
      if (!duplicated.has(node.id)) problems.push({ nodeId: node.id, field: 'id', message: `duplicate node id "${node.id}": ${graph.nodes.filter((n) => n.id === node.id).length} nodes use it; give each node its own id` });
      duplicated.add(node.id);
      continue;
    }
    ids.add(node.id);
    if (isReservedNodeId(node.id)) {
      problems.push({ nodeId: node.id, field: 'id', message: `node id "${node.id}" is reserved by the engine; rename the node, e.g. "${node.id.replace(/[^a-zA-Z0-9]/g, '')}-1"` });
    }
    const def = registry.get(node.type);
    if (!def) {
      problems.push({ nodeId: node.id, field: 'type', message: `node "${node.id}": unknown node type "${node.type}"; known types: ${registry.types().join(', ')}` });
      continue;
    }
    // Plugin nodes are named with their plugin, so a problem points at the code to fix.
    const plugin = registry.pluginOf(node.type) ?? BUILT_IN;
    const who = `node "${node.id}" (${node.type}${plugin === BUILT_IN ? '' : `, plugin ${plugin}`})`;
    if (node.typeVersion > def.version) {
      problems.push({ nodeId: node.id, field: 'typeVersion', message: `${who}: ${node.type} version ${node.typeVersion} is newer than the installed version ${def.version}; upgrade the plugin` });
    }
    const migration = migrateNode(node, def, plugin);
    if (migration.problem) problems.push({ nodeId: node.id, field: 'typeVersion', message: migration.problem });
    else if (migration.warning) laterWarnings.push({ nodeId: node.id, field: 'typeVersion', message: migration.warning });
    for (const p of checkFields(def.fields, node.config)) {
      problems.push({ nodeId: node.id, field: p.field, message: `${who}: ${p.message}` });
    }
    const config = applyDefaults(def.fields, node.config);
    // Plugin code may throw: report it as a problem naming plugin, node and type, never a 500.
    const culprit = (what: string, err: unknown) => `${who}: ${what} threw: ${errorMessage(err)}; fix the plugin or the node's settings`;
    try {
      for (const p of def.validate?.(config) ?? []) {
        problems.push({ nodeId: node.id, field: p.field, message: `${who}: ${p.message}` });
      }
    } catch (err) {
      problems.push({ nodeId: node.id, field: 'config', message: culprit('validate()', err) });
    }
    try {
      ports[node.id] = registry.portsOf(def, node.config);
    } catch (err) {
      ports[node.id] = [];
      // Ports computed from a config already reported as wrong may well throw; only a valid config makes it the plugin's fault.
      if (!problems.some((p) => p.nodeId === node.id)) problems.push({ nodeId: node.id, field: 'config', message: culprit('ports()', err) });
    }
  }

  const triggers = graph.nodes.filter((n) => registry.get(n.type)?.category === 'trigger');
  if (triggers.length === 0) problems.push({ field: 'nodes', message: 'the journey has no trigger; add a trigger node (e.g. trigger.event) so customers can enter' });

  const out = new Map<string, string[]>();
  const usedPorts = new Set<string>();
  for (const e of graph.edges) {
    if (!ids.has(e.source)) problems.push({ edgeId: e.id, field: 'source', message: `edge "${e.id}": source node "${e.source}" does not exist` });
    if (!ids.has(e.target)) problems.push({ edgeId: e.id, field: 'target', message: `edge "${e.id}": target node "${e.target}" does not exist` });
    const srcPorts = duplicated.has(e.source) ? undefined : ports[e.source];
    if (srcPorts && !srcPorts.includes(e.sourceHandle)) {
      problems.push({ edgeId: e.id, nodeId: e.source, field: 'sourceHandle', message: `edge "${e.id}": node "${e.source}" has no port "${e.sourceHandle}"; its ports are: ${srcPorts.join(', ') || 'none'}` });
    }
    const portKey = `${e.source}\u0000${e.sourceHandle}`;
    if (usedPorts.has(portKey)) problems.push({ edgeId: e.id, nodeId: e.source, field: 'sourceHandle', message: `edge "${e.id}": port "${e.sourceHandle}" of node "${e.source}" already has an edge; a port leads to one node` });
    usedPorts.add(portKey);
    if (triggers.some((t) => t.id === e.target)) problems.push({ edgeId: e.id, nodeId: e.target, field: 'target', message: `edge "${e.id}": a trigger (node "${e.target}") cannot be the target of an edge` });
    if (!out.has(e.source)) out.set(e.source, []);
    out.get(e.source)!.push(e.target);
  }

  // Reachability from the triggers.
  const seen = new Set<string>();
  const stack = triggers.map((t) => t.id);
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const t of out.get(id) ?? []) stack.push(t);
  }
  if (triggers.length) {
    for (const n of graph.nodes) {
      if (!seen.has(n.id)) problems.push({ nodeId: n.id, message: `node "${n.id}" is unreachable: no path leads to it from a trigger; connect it or delete it` });
    }
  }

  if (limits && !duplicated.size) problems.push(...loopProblems(graph, registry));

  const warnings = problems.length ? [] : [...laterWarnings, ...unsubscribeNameWarnings(graph), ...goalPreemptedBranches(graph, registry)];
  return { ok: problems.length === 0, problems, warnings, graph, ports };
}

/** Names nothing records, though they read like the unsubscribe link's event (older templates used "unsubscribe"). */
const UNSUBSCRIBE_LOOKALIKES = new Set(['unsubscribe', 'unsubscribed', 'email_unsubscribe']);

/** An exit event the unsubscribe link never records would leave an unsubscribed customer's run going. */
function unsubscribeNameWarnings(graph: JourneyGraph): Problem[] {
  return graph.settings.exitOn.flatMap((x, i) =>
    UNSUBSCRIBE_LOOKALIKES.has(x.event)
      ? [{ field: `settings.exitOn.${i}.event`, message: `settings.exitOn.${i}.event: nothing records "${x.event}"; the unsubscribe link records "${EMAIL_UNSUBSCRIBED}": use that name` }]
      : [],
  );
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function issueProblem(doc: unknown, i: z.core.$ZodIssue): Problem {
  const nodes = (doc as { nodes?: { id?: unknown }[] } | null)?.nodes;
  const nodeId = i.path[0] === 'nodes' && typeof i.path[1] === 'number' ? nodes?.[i.path[1]]?.id : undefined;
  return {
    message: `${i.path.join('.') || 'document'}: ${i.message}`,
    field: i.path.join('.'),
    ...(typeof nodeId === 'string' ? { nodeId } : {}),
  };
}

/** Every problem of the journey's settings: each field's own, then the rules across fields. */
function settingsProblems(doc: unknown): Problem[] {
  const raw = isObject(doc) ? doc.settings : undefined;
  if (raw === undefined) return [];
  const r = settingsSchema.safeParse(raw);
  const problems = r.success ? [] : r.error.issues.map((i) => issueProblem(doc, { ...i, path: ['settings', ...i.path] }));
  if (isObject(raw) && raw.reentry === 'after' && !raw.reentryAfter) {
    problems.push({ field: 'settings.reentryAfter', message: 'settings.reentryAfter: re-entry "after" needs a duration, e.g. "30d"' });
  }
  return problems;
}
