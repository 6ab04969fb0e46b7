/**
 * `foresight/plugin`: everything a node plugin may depend on. Anything not
 * exported here is the engine's own business and may change in any release.
 *
 * A plugin is a module whose default export is `definePlugin({ name, nodes, effects })`.
 * The engine checks it against the contract when it loads and refuses it, naming
 * plugin, node type and field, when it does not conform.
 *
 * @packageDocumentation
 */
export { defineNode, definePlugin, NODE_CATEGORIES } from './define-node.ts';
export type { NodeDefinition, NodeContext, NodeResult, NodeCategory, NodeHold, NodeDescriptor, PluginModule, CustomerProfile, JourneyEvent, TriggerSpec, WaitSpec, RunMode } from './define-node.ts';
export type { Field, FieldKind, Suggest, FieldProblem } from './fields.ts';
export type { NodeServices, EffectHandler, EffectContext, EffectOutcome, OutboxItem, OrderView, PurchasePrediction } from './services.ts';
export type { HttpService, HttpRequest, HttpResponse } from '../net/http.ts';
export type { Filter, FilterOp } from '../core/filter.ts';
export { renderText, templateError } from '../messaging/render.ts';
export { checkPluginContract } from './contract.ts';
