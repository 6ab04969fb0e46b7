// The builder speaks the engine's own document and descriptor types (type-only imports: nothing of
// the engine is bundled), so the canvas edits exactly what the validator checks and the executor runs.
export type { NodeDescriptor, NodeCategory } from '../../engine/plugin/define-node.ts';
export type { Field, FieldKind, Suggest } from '../../engine/plugin/fields.ts';
import type { LifecycleTemplate as TemplateDeclaration } from '../../templates/index.ts';
export type { Filter } from '../../engine/core/filter.ts';
export type { JourneyGraph, GraphNode, GraphEdge, JourneySettings } from '../../engine/graph/types.ts';
export type { VariantStats } from '../../nodes/split-ab/stats.ts';
import type { VariantStats } from '../../nodes/split-ab/stats.ts';
import type { JourneyLift } from '../../engine/stats/journey-lift.ts';
export type { JourneyMessageStats, NodeMessageStats, DayPoint } from '../../engine/analytics/messages.ts';
import type { JourneyMessageStats } from '../../engine/analytics/messages.ts';
export type { DeliveryLogEntry } from '../../engine/storage/types.ts';
import type { VariantReport } from '../../engine/analytics/ab-revenue.ts';

/** A variant's row: live stats add revenue and whether there is enough data to compare. */
export type VariantRow = VariantStats & Partial<Pick<VariantReport, 'orders' | 'revenue' | 'revenuePerCustomer' | 'enoughData'>>;

export type JourneyStatus = 'draft' | 'live' | 'paused' | 'archived';

export interface User {
  email: string;
  role: string;
}

export interface JourneySummary {
  id: string;
  name: string;
  status: JourneyStatus;
  liveVersion: number | null;
  updatedAt: number | string;
  inFlight: number;
  entered: number;
  converted: number;
  /** Set when the journey cannot run on this server (a plugin missing): why its runs wait. */
  unavailable?: string;
}

export interface JourneyDetail {
  id: string;
  name: string;
  status: JourneyStatus;
  liveVersion: number | null;
  draft: unknown;
  updatedAt: number | string;
}

/** A validation problem as the server reports it. */
export interface Problem {
  nodeId?: string;
  edgeId?: string;
  field?: string;
  code?: string;
  message: string;
}

/** Counts for one node: live stats and backtest results share this shape. */
export interface NodeCounts {
  entered: number;
  waiting: number;
  ports: Record<string, number>;
}

export interface JourneyStats {
  nodes: Record<string, NodeCounts>;
  entered?: number;
  converted: number;
  ab?: Record<string, VariantRow[]>;
  /** Customers held out of the journey (settings.holdout). */
  heldOut?: number;
  lift?: JourneyLift | null;
  /** Per effect node: deliveries, engagement and attributed revenue (live numbers only). */
  messages?: JourneyMessageStats;
}

export interface BacktestResult {
  nodes: Record<string, NodeCounts>;
  converted: number;
  messages: number;
}

/** A backtest job as `GET /api/backtests/:id` answers it; `result` is a BacktestResult once done. */
export interface BacktestJob {
  id: string;
  journeyId: string;
  status: 'loading' | 'running' | 'done' | 'failed' | 'cancelled';
  progress: { done: number; total: number };
  result: unknown;
  error: { code: string; message: string; field?: string } | null;
}

/** A customer as the API lists them: `id` is the customer's own (external) id. */
export interface CustomerSummary {
  id: string;
  email: string | null;
  attributes?: Record<string, unknown>;
}

export interface RunStep {
  nodeId: string;
  kind: string;
  port?: string | null;
  at: number | string;
  detail?: Record<string, unknown> | null;
}

export interface CustomerRun {
  id: number;
  journeyId: string;
  version: number;
  status: string;
  nodeId: string | null;
  history: RunStep[];
}

/** A template as `GET /api/templates` sends it: the engine's declaration, with the journey shape the gallery reads. */
export type LifecycleTemplate = Omit<TemplateDeclaration, 'journey'> & {
  journey: { nodes: { id: string; type: string }[]; edges: unknown[] } & Record<string, unknown>;
};

export interface Insights {
  lifecycle: Record<string, number>;
  rfm: { r: number; f: number; count: number }[];
  clv: { buckets: { from: number; to: number | null; count: number }[] };
  modelReport: Record<string, unknown> | null;
}
