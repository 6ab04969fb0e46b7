import type { NodeDefinition } from '../engine/plugin/define-node.ts';
import { NodeRegistry } from '../engine/plugin/registry.ts';
import conditionAttribute from './condition-attribute/index.ts';
import conditionPropensity from './condition-propensity/index.ts';
import conditionSegment from './condition-segment/index.ts';
import flowExit from './flow-exit/index.ts';
import splitAb from './split-ab/index.ts';
import triggerDate from './trigger-date/index.ts';
import triggerEvent from './trigger-event/index.ts';
import triggerSegment from './trigger-segment/index.ts';
import waitDelay from './wait-delay/index.ts';
import waitEvent from './wait-event/index.ts';
import waitPurchaseCycle from './wait-purchase-cycle/index.ts';
import waitWindow from './wait-window/index.ts';

/** Every built-in node. They use only the public node contract, as a plugin would. */
export const builtinNodes: NodeDefinition<any>[] = [triggerEvent, triggerSegment, triggerDate, waitDelay, waitEvent, waitWindow, waitPurchaseCycle, conditionAttribute, conditionSegment, conditionPropensity, splitAb, flowExit];

/** A registry with the built-in nodes (and their effect handlers) registered. */
export function builtinRegistry(): NodeRegistry {
  const r = new NodeRegistry();
  for (const n of builtinNodes) r.register(n);
  return r;
}
