import { compileJourney, type CompiledJourney } from '../graph/compile.ts';
import { ForesightError } from '../core/errors.ts';
import { unavailableReason } from '../graph/availability.ts';
import type { TriggerSpec } from '../plugin/define-node.ts';
import type { NodeRegistry } from '../plugin/registry.ts';
import type { JourneyStatus, Storage } from '../storage/types.ts';

export interface LiveTrigger {
  journey: CompiledJourney;
  nodeId: string;
  spec: TriggerSpec;
  /** When the journey first went live: older events (a backlog processed late) never enroll. */
  liveSince: number;
}

/**
 * Compiled journey versions, cached. Versions are immutable, so a compiled
 * version never goes stale; only the set of live journeys is re-read, and
 * only when the storage revision changes.
 */
export class JourneyCatalog {
  private readonly compiled = new Map<string, CompiledJourney>();
  private readonly statuses = new Map<string, JourneyStatus>();
  private triggers = new Map<string, LiveTrigger[]>();
  private revision = Number.NaN;

  constructor(
    private readonly storage: Storage,
    private readonly registry: NodeRegistry,
  ) {}

  async refresh(): Promise<void> {
    const rev = await this.storage.journeys.revision();
    if (rev === this.revision) return;
    const all = await this.storage.journeys.list();
    const triggers = new Map<string, LiveTrigger[]>();
    this.statuses.clear();
    for (const j of all) {
      this.statuses.set(j.id, j.status);
      if (j.status !== 'live' || j.liveVersion === null) continue;
      let compiled: CompiledJourney;
      try {
        compiled = await this.version(j.id, j.liveVersion);
      } catch {
        // One journey that cannot be compiled (a plugin missing) enrolls no one; the others go on.
        // JourneyService.unavailable() tells the API and /healthz why.
        continue;
      }
      const liveSince = Math.min(...(await this.storage.journeys.versions(j.id)).map((v) => v.publishedAt));
      for (const t of compiled.triggers) {
        const list = triggers.get(t.spec.event) ?? [];
        list.push({ journey: compiled, nodeId: t.nodeId, spec: t.spec, liveSince });
        triggers.set(t.spec.event, list);
      }
    }
    this.triggers = triggers;
    this.revision = rev;
  }

  /** Forget the cached revision so the next refresh re-reads (after this process changed a journey). */
  invalidate(): void {
    this.revision = Number.NaN;
  }

  triggersFor(eventType: string): readonly LiveTrigger[] {
    return this.triggers.get(eventType) ?? [];
  }

  isFrozen(journeyId: string): boolean {
    const s = this.statuses.get(journeyId);
    return s === 'paused' || s === 'archived';
  }

  async version(journeyId: string, version: number): Promise<CompiledJourney> {
    const key = `${journeyId}@${version}`;
    let c = this.compiled.get(key);
    if (!c) {
      const row = await this.storage.journeys.version(journeyId, version);
      if (!row) throw new Error(`journey ${journeyId} has no version ${version}`);
      const reason = unavailableReason(row.graph, this.registry);
      if (reason) throw new ForesightError('journey_unavailable', `journey ${journeyId} v${version} waits: ${reason}`);
      c = compileJourney(row.graph, this.registry);
      this.compiled.set(key, c);
    }
    return c;
  }
}
