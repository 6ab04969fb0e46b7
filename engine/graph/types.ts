import { z } from 'zod';
import { filterSchema } from '../core/filter.ts';
import { durationSchema } from '../core/duration.ts';


export const eventMatchSchema = z.object({
  event: z.string().min(1, 'name the event type, e.g. "purchase"'),
  where: z.array(filterSchema).optional(),
});

export const settingsSchema = z.object({
  /** once: a customer enters at most once; always: again after each run ends; after: again once `after` has passed since the last entry. */
  reentry: z.enum(['once', 'always', 'after']).default('once'),
  reentryAfter: durationSchema.optional(),
  goal: eventMatchSchema.extend({ within: durationSchema.optional() }).optional(),
  exitOn: z.array(eventMatchSchema).default([]),
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
