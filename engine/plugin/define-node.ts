import type { Field } from './fields.ts';
import type { Filter } from '../core/filter.ts';
import type { NodeServices } from './services.ts';

export const NODE_CATEGORIES = ['trigger', 'condition', 'timing', 'action', 'flow'] as const;
export type NodeCategory = (typeof NODE_CATEGORIES)[number];

/** The customer as a node sees it: plain data, never a database handle. */
export interface CustomerProfile {
  id: number;
  externalId: string;
  email: string | null;
  attributes: Record<string, unknown>;
  timezone: string | null;
  consent: Record<string, boolean>;
  unsubscribed: boolean;
  createdAt: Date;
}

/** An event as the engine stores it. */
export interface JourneyEvent {
  id: number;
  type: string;
  properties: Record<string, unknown>;
  occurredAt: Date;
}

/** How a trigger node enrolls customers: by events of one type matching filters. */
export interface TriggerSpec {
  event: string;
  where?: Filter[];
}

export interface WaitSpec {
  /** Wake at this time. */
  until?: Date;
  /** Leave through `port` as soon as a matching event arrives. */
  event?: { type: string; where?: Filter[]; port: string };
  /** On waking at `until`, leave through this port; without it the node's run is called again with `ctx.wake`. */
  timeoutPort?: string;
}

/** What a node decides. `trace` is stored in the decision trace: the inputs that made the decision. */
export type NodeResult =
  | { next: string; patch?: Record<string, unknown>; trace?: Record<string, unknown> }
  | { wait: WaitSpec; patch?: Record<string, unknown>; trace?: Record<string, unknown> }
  | { exit: string; patch?: Record<string, unknown>; trace?: Record<string, unknown> };

export interface NodeContext<C = Record<string, unknown>> {
  /** From the injected clock. */
  now: Date;
  config: C;
  node: { id: string; type: string };
  run: { id: number; journeyId: string; version: number; visit: number; enteredAt: Date; nodeEnteredAt: Date };
  customer: CustomerProfile;
  /** The run's state, as patched by earlier nodes. */
  state: Readonly<Record<string, unknown>>;
  /** The event that enrolled the run (on the trigger step). */
  event?: JourneyEvent;
  /** Present when a timed wait without `timeoutPort` ends and the node is asked again. */
  wake?: { kind: 'time'; waitedSince: Date };
  /** Deterministic randomness, seeded by run, node and visit. */
  random(): number;
  services: NodeServices;
}

export interface NodeDefinition<C = Record<string, unknown>> {
  /** Stable id referenced by journeys, e.g. `wait.delay`. */
  type: string;
  version: number;
  label: string;
  category: NodeCategory;
  description: string;
  fields: Field[];
  /** Output ports: fixed, or computed from the config (e.g. one per A/B variant). */
  ports: readonly string[] | ((config: C) => string[]);
  /** Cross-field rules the field declarations cannot express; return messages `field: problem`. */
  validate?(config: C): { field: string; message: string }[];
  /** Trigger nodes say which events enroll customers. */
  trigger?(config: C): TriggerSpec;
  /** True if this node can pause a run (used by the validator's cycle check). */
  waits?: boolean;
  /**
   * The shortest time this waiting node holds a run before its timer lets it go on
   * (leaving on an awaited event needs a new event from the customer). A loop in a
   * journey must pass a wait whose minimum is at least the cycle minimum (1 hour);
   * a waiting node without it counts as 0.
   */
  minWaitMs?(config: C): number;
  /** Deadline for one call of `run`, in ms (default 10 s). A run whose node misses it fails with the reason. */
  timeoutMs?: number;
  /**
   * How long a waiting node can hold a run at most (Infinity when unbounded), and the
   * event that ends the wait early, if any: lets the validator warn of a branch the
   * journey's goal always takes first. A waiting node without it counts as unbounded.
   */
  holds?(config: C): NodeHold;
  run(ctx: NodeContext<C>): NodeResult | Promise<NodeResult>;
}

export interface NodeHold {
  maxMs: number;
  event?: { type: string; where: Filter[]; port: string };
}

/** The serialisable part of a definition: what `GET /api/node-types` serves to the builder. */
export interface NodeDescriptor {
  type: string;
  version: number;
  label: string;
  category: NodeCategory;
  description: string;
  fields: Field[];
  ports: string[];
  dynamicPorts: boolean;
  waits: boolean;
}

/**
 * Declares a node. Built-in and custom nodes use this same call.
 *
 * @example
 * export default defineNode({
 *   type: 'flow.exit', version: 1, label: 'Exit', category: 'flow',
 *   description: 'Ends the journey for this customer.',
 *   fields: [{ key: 'reason', label: 'Reason', kind: 'text', default: 'done' }],
 *   ports: [],
 *   run: (ctx) => ({ exit: String(ctx.config.reason) }),
 * });
 */
export function defineNode<C = Record<string, unknown>>(def: NodeDefinition<C>): NodeDefinition<C> {
  if (!/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)+$/.test(def.type)) {
    throw new TypeError(`defineNode: type "${def.type}" must be dotted lower camel case, e.g. "action.sms"`);
  }
  if (!Number.isInteger(def.version) || def.version < 1) throw new TypeError(`defineNode(${def.type}): version must be a positive integer`);
  if (def.category === 'trigger' && !def.trigger) throw new TypeError(`defineNode(${def.type}): trigger nodes must declare trigger(config)`);
  const keys = new Set<string>();
  for (const f of def.fields) {
    if (keys.has(f.key)) throw new TypeError(`defineNode(${def.type}): field "${f.key}" declared twice`);
    keys.add(f.key);
  }
  return def;
}

/** A plugin module's default export: nodes plus the side-effect handlers they enqueue. */
export interface PluginModule {
  name?: string;
  nodes: NodeDefinition<any>[];
  effects?: Record<string, import('./services.ts').EffectHandler>;
}

export function definePlugin(plugin: PluginModule): PluginModule {
  return plugin;
}
