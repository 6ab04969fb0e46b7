import type { Field } from './fields.ts';
import type { Filter } from '../core/filter.ts';
import type { NodeServices } from './services.ts';

import { NODE_CATEGORIES, nodeContract } from './contract.ts';

export { NODE_CATEGORIES };
/** Palette group of a node. */
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

/** How a node pauses a run: until a time, until an event, or both. */
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

/**
 * Why the engine is running the node: `live` for real customers, `simulate`
 * for a dry run of a journey on sample data, `backtest` for a replay of stored
 * history. Outside `live`, `now` is a past or made-up date: a node should not
 * call live APIs with it (answer from the data it has, or a neutral port).
 */
export type RunMode = 'live' | 'simulate' | 'backtest';

/** What `run` is given: the config, the customer, the run's state and the services, with time from the engine's clock. */
export interface NodeContext<C = Record<string, unknown>> {
  /** From the injected clock. */
  now: Date;
  /** `live`, `simulate` or `backtest`; see {@link RunMode}. */
  mode: RunMode;
  /** The node's settings, defaults applied. */
  config: C;
  /** Which node of the journey is running. */
  node: { id: string; type: string };
  /** The run: id, journey and version, how often it visited this node, and when it entered the journey and the node (event times). */
  run: { id: number; journeyId: string; version: number; visit: number; enteredAt: Date; nodeEnteredAt: Date };
  /** The run's customer, as plain data. */
  customer: CustomerProfile;
  /** The run's state, as patched by earlier nodes. */
  state: Readonly<Record<string, unknown>>;
  /** The event that enrolled the run (on the trigger step). */
  event?: JourneyEvent;
  /** Present when a timed wait without `timeoutPort` ends and the node is asked again. */
  wake?: { kind: 'time'; waitedSince: Date };
  /** Deterministic randomness, seeded by run, node and visit. */
  random(): number;
  /** Reads, queued side effects and outside HTTP; see {@link NodeServices}. */
  services: NodeServices;
}

/** A node type: what the builder shows, what the validator checks, and what `run` decides. Declare it with {@link defineNode}. */
export interface NodeDefinition<C = Record<string, unknown>> {
  /** Stable id referenced by journeys, e.g. `wait.delay`. */
  type: string;
  /** Raise it when the config changes meaning; journeys record it per node as `typeVersion`, and {@link NodeDefinition.migrate} upgrades older ones at publish. */
  version: number;
  /** Shown in the palette and on the canvas. */
  label: string;
  /** Palette group: trigger, condition, timing, action or flow. */
  category: NodeCategory;
  /** One or two sentences with an example, shown in the palette. */
  description: string;
  /** The settings form; the validator derives its checks from it. */
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
  /** Decides where the customer goes: `{ next: port }`, `{ wait: … }` or `{ exit: reason }`. Time comes from `ctx.now`. */
  run(ctx: NodeContext<C>): NodeResult | Promise<NodeResult>;
  /**
   * Upgrades the config of a node built with an older `version` of this type
   * (`fromVersion`), e.g. after renaming a field. Called when a journey is
   * validated and published, so the published graph holds the new config.
   * Without it, such nodes keep their old settings and the validator warns.
   */
  migrate?(config: Record<string, unknown>, fromVersion: number): Record<string, unknown>;
}

/** See {@link NodeDefinition.holds}. */
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
  const r = nodeContract.safeParse(def);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new TypeError(`defineNode(${String(def.type)}): ${issue.path.join('.') || 'definition'}: ${issue.message}`);
  }
  return def;
}

/** A plugin module's default export: nodes plus the side-effect handlers they enqueue. */
export interface PluginModule {
  /** Named in every load, validation and run-time message about the plugin; the package name is a good choice. */
  name?: string;
  /** Its node types; none may reuse a built-in type or another plugin's. */
  nodes: NodeDefinition<any>[];
  /** Delivery handlers by effect kind (what `ctx.services.enqueue(kind, …)` names); built-in kinds (`email`, `webhook`) cannot be replaced. */
  effects?: Record<string, import('./services.ts').EffectHandler>;
}

/** Declares a plugin module: `export default definePlugin({ name, nodes, effects })`. Checked against the contract when it loads. */
export function definePlugin(plugin: PluginModule): PluginModule {
  return plugin;
}
