import { z } from 'zod';
import { filterSchema } from '../core/filter.ts';
import { durationSchema } from '../core/duration.ts';


export const eventMatchSchema = z.object({
  event: z.string().min(1, 'name the event type, e.g. "purchase"'),
  where: z.array(filterSchema).optional(),
});

const HOLDOUT_FIX = 'give a percentage from 0 to 50, e.g. 10 keeps 10 % of customers out of the journey to measure its lift';

export const settingsSchema = z.object({
  /** once: a customer enters at most once; always: again after each run ends; after: again once `after` has passed since the last entry. */
  reentry: z.enum(['once', 'always', 'after']).default('once'),
  reentryAfter: durationSchema.optional(),
  goal: eventMatchSchema.extend({ within: durationSchema.optional() }).optional(),
  exitOn: z.array(eventMatchSchema).default([]),
  /** Percentage of customers (0–50, deterministic per customer) who enter, are recorded and leave at once: the control group of the lift report. */
  holdout: z.number({ error: HOLDOUT_FIX }).min(0, HOLDOUT_FIX).max(50, HOLDOUT_FIX).optional(),
  /** Cross-journey arbitration: when the message budget cannot take every journey's mail, higher wins (default 0). */
  priority: z
    .number({ error: 'priority must be a whole number, e.g. 5 (higher wins; default 0)' })
    .int('priority must be a whole number, e.g. 5 (higher wins; default 0)')
    .min(-1000, 'priority must be between -1000 and 1000')
    .max(1000, 'priority must be between -1000 and 1000')
    .optional(),
  /** Among equal priorities, the message worth most wins: predicted CLV × this model's score (e.g. "purchase"). */
  valueModel: z.string().regex(/^[a-z0-9_]+$/, 'valueModel names a stored score, e.g. "purchase" or "engagement"').optional(),
});

export const graphNodeSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  typeVersion: z.number().int().positive().default(1),
  /** The marketer's name for the node ("Day 3: how-to"), shown instead of the type's title. */
  name: z.string().trim().max(80, 'keep node names to 80 characters').optional(),
  config: z.record(z.string(), z.unknown()).default({}),
  position: z.object({ x: z.number(), y: z.number() }).optional(),
});

export const graphEdgeSchema = z.object({
  id: z.string().min(1),
  source: z.string().min(1),
  sourceHandle: z.string().min(1),
  target: z.string().min(1),
});

/** The journey document: the same JSON the builder edits, the validator checks and the executor runs. */
export const journeySchema = z.object({
  id: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'use letters, digits, dot, dash or underscore'),
  name: z.string().min(1),
  version: z.number().int().nonnegative().default(0),
  description: z.string().optional(),
  settings: settingsSchema.default({ reentry: 'once', exitOn: [] }),
  nodes: z.array(graphNodeSchema),
  edges: z.array(graphEdgeSchema).default([]),
});

export type JourneySettings = z.infer<typeof settingsSchema>;
export type GraphNode = z.infer<typeof graphNodeSchema>;
export type GraphEdge = z.infer<typeof graphEdgeSchema>;
export type JourneyGraph = z.infer<typeof journeySchema>;
export type EventMatch = z.infer<typeof eventMatchSchema>;

export interface Problem {
  message: string;
  nodeId?: string;
  edgeId?: string;
  /** The config key or document path concerned. */
  field?: string;
}
