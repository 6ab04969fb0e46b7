import { readBrand } from '../brand/brand.ts';
import type { Clock } from '../core/clock.ts';
import { ForesightError } from '../core/errors.ts';
import type { JourneyGraph } from '../graph/types.ts';
import type { JourneyService } from '../journeys.ts';
import { mailSettingsOf, missingDeliverySettings } from '../messaging/send.ts';
import type { NodeRegistry } from '../plugin/registry.ts';
import type { Storage } from '../storage/types.ts';
import { templateCoupons } from '../../templates/index.ts';
import { applyAudience, currentMembers, segmentTriggers, type AudienceChoice } from './audience.ts';
import { blockingMessage, prePublishChecklist, type ChecklistItem, type PublishFacts } from './checklist.ts';

export { AUDIENCE_CHOICES, type AudienceChoice } from './audience.ts';
export type { ChecklistItem } from './checklist.ts';

export interface PublishDeps {
  storage: Storage;
  registry: NodeRegistry;
  clock: Clock;
  journeys: JourneyService;
}

export interface Readiness {
  items: ChecklistItem[];
  /** Segment triggers with how many current members would enter under "include current members". */
  audience: PublishFacts['audience'];
}

/** The installation as the checklist judges it: mail settings, brand, segment sizes now. */
async function facts(deps: PublishDeps, graph: JourneyGraph): Promise<PublishFacts> {
  const mail = mailSettingsOf(deps.registry.effect('email'));
  const brand = await readBrand(deps.storage);
  return {
    // The sender is judged per node (a node may carry its own From), not here.
    mailMissing: mail ? missingDeliverySettings(mail) : ['an email effect (start the server with the built-in nodes)'],
    defaultFrom: mail?.from,
    brand,
    audience: await currentMembers(deps.storage, segmentTriggers(graph, deps.registry), deps.clock.now()),
    templateCoupons: templateCoupons(),
  };
}

/** The checklist for a journey's draft; a draft that does not validate yet has no checklist (validation speaks first). */
export async function publishReadiness(deps: PublishDeps, journeyId: string): Promise<Readiness & { problems: number }> {
  const j = await deps.storage.journeys.get(journeyId);
  if (!j) throw new ForesightError('not_found', `journey "${journeyId}" does not exist`, { field: 'id' });
  const v = await deps.journeys.validate(j.draft);
  if (!v.graph) return { items: [], audience: [], problems: v.problems.length };
  const f = await facts(deps, v.graph);
  return { items: prePublishChecklist(v.graph, f), audience: f.audience, problems: v.problems.length };
}

/**
 * Publishes the draft unless the checklist blocks it (`publish_blocked`, the message naming each
 * node and its fix; `details` holds the items), then lets in the audience chosen for segment
 * triggers. Without a choice, segment triggers behave as before: members enter as refreshes find them.
 */
export async function safePublish(deps: PublishDeps, journeyId: string, opts: { audience?: AudienceChoice } = {}): Promise<{ version: number; checklist: ChecklistItem[]; entering: number }> {
  const readiness = await publishReadiness(deps, journeyId);
  const refusal = blockingMessage(journeyId, readiness.items);
  if (refusal) throw new ForesightError('publish_blocked', refusal, { field: readiness.items.find((i) => i.severity === 'block')?.nodeId, details: readiness.items });
  const { version } = await deps.journeys.publish(journeyId);
  const triggers = readiness.audience.map(({ nodeId, segment }) => ({ nodeId, segment }));
  const { entering } = opts.audience && triggers.length ? await applyAudience(deps, journeyId, version, triggers, opts.audience) : { entering: 0 };
  return { version, checklist: readiness.items, entering };
}
