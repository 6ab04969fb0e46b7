import type { Clock } from './core/clock.ts';
import { ForesightError } from './core/errors.ts';
import type { JourneyGraph, Problem } from './graph/types.ts';
import { sizeProblems } from './graph/limits.ts';
import { validateJourney, type ValidationResult } from './graph/validate.ts';
import { unavailableReason } from './graph/availability.ts';
import type { NodeRegistry } from './plugin/registry.ts';
import type { JourneyRecord, Storage } from './storage/types.ts';

/**
 * Journey lifecycle: drafts are saved as-is (a work in progress may be
 * invalid); publishing validates and freezes an immutable version. Runs in
 * flight stay on the version they entered.
 */
export class JourneyService {
  constructor(
    private readonly storage: Storage,
    private readonly registry: NodeRegistry,
    private readonly clock: Clock,
  ) {}

  /** The document's own checks, then what it refers to in this installation (saved segments). */
  async validate(doc: unknown): Promise<ValidationResult> {
    const v = validateJourney(doc, this.registry);
    if (!v.graph) return v;
    const missing = await this.unknownSegments(v.graph);
    return missing.length ? { ...v, ok: false, problems: [...v.problems, ...missing] } : v;
  }

  /** Fields declared with `suggest: 'segments'` name a saved segment; a name with none behind it is a problem. */
  private async unknownSegments(graph: JourneyGraph): Promise<Problem[]> {
    const refs = graph.nodes.flatMap((n) =>
      (this.registry.get(n.type)?.fields ?? [])
        .filter((f) => f.kind === 'text' && f.suggest === 'segments')
        .map((f) => ({ node: n, field: f.key, name: typeof n.config[f.key] === 'string' ? (n.config[f.key] as string).trim() : '' }))
        .filter((r) => r.name !== ''),
    );
    if (!refs.length) return [];
    const saved = new Set((await this.storage.segments.list()).map((s) => s.name));
    return refs
      .filter((r) => !saved.has(r.name))
      .map((r) => ({
        nodeId: r.node.id,
        field: r.field,
        message: `node "${r.node.id}": ${r.field}: there is no saved segment "${r.name}"; save it first (builder: Segments; simulate: --segments)${saved.size ? ` or use one of: ${[...saved].slice(0, 5).join(', ')}` : ''}`,
      }));
  }

  async saveDraft(doc: unknown): Promise<JourneyRecord> {
    const d = doc as { id?: unknown; name?: unknown } | null;
    if (!d || typeof d !== 'object') throw new ForesightError('invalid_journey', 'journey: send a JSON object with id, name, nodes and edges', { field: 'journey' });
    if (typeof d.id !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(d.id)) {
      throw new ForesightError('invalid_journey', 'id: give the journey an id of letters, digits, dot, dash or underscore', { field: 'id' });
    }
    if (typeof d.name !== 'string' || !d.name.trim()) throw new ForesightError('invalid_journey', 'name: give the journey a name', { field: 'name' });
    const [tooLarge] = sizeProblems(doc);
    if (tooLarge) throw new ForesightError('journey_too_large', tooLarge.message, { field: tooLarge.field });
    return this.storage.journeys.saveDraft({ id: d.id, name: d.name, draft: doc }, this.clock.now().getTime());
  }

  /** Published journeys that cannot run in this process (a plugin missing), with the reason: their runs wait. */
  async unavailable(): Promise<{ id: string; reason: string }[]> {
    const out: { id: string; reason: string }[] = [];
    for (const j of await this.storage.journeys.list()) {
      if (j.liveVersion === null || j.status === 'archived') continue;
      const reason = unavailableReason((await this.storage.journeys.version(j.id, j.liveVersion))?.graph, this.registry);
      if (reason) out.push({ id: j.id, reason });
    }
    return out;
  }

  /** Validates the draft and publishes it as the next version; the journey goes live. */
  async publish(id: string): Promise<{ version: number }> {
    const j = await this.require(id);
    const v = await this.validate(j.draft);
    if (!v.ok || !v.graph) {
      throw new ForesightError('invalid_journey', `journey "${id}" cannot be published:\n${v.problems.map((p) => `  - ${p.message}`).join('\n')}`, { details: v.problems });
    }
    const graph = v.graph;
    const version = await this.storage.journeys.publish(id, (n) => ({ ...graph, version: n }), this.clock.now().getTime());
    return { version };
  }

  /**
   * Publishes the live version changed by `edit` as the next version (a declared A/B winner, say),
   * whatever the draft holds, and applies the same edit to the draft when it can, so the next
   * publish keeps it. Runs in flight stay on their version, as with every publish.
   */
  async publishEdit(id: string, edit: (graph: JourneyGraph) => JourneyGraph): Promise<{ version: number }> {
    const j = await this.require(id);
    const live = j.liveVersion === null ? null : await this.storage.journeys.version(id, j.liveVersion);
    if (!live) throw new ForesightError('invalid_state', `journey "${id}" has no published version; publish it first`, { field: 'status' });
    // Publishing makes a journey live: a paused or archived one would start mailing again unasked.
    if (j.status !== 'live') {
      throw new ForesightError('invalid_state', `journey "${id}" is ${j.status}; declaring a winner publishes a new version, which would make it live${j.status === 'paused' ? ': resume it first' : ''}`, { field: 'status' });
    }
    const v = await this.validate(edit(live.graph as JourneyGraph));
    if (!v.ok || !v.graph) throw new ForesightError('invalid_journey', `journey "${id}" cannot be published:\n${v.problems.map((p) => `  - ${p.message}`).join('\n')}`, { details: v.problems });
    const graph = v.graph;
    const version = await this.storage.journeys.publish(id, (n) => ({ ...graph, version: n }), this.clock.now().getTime());
    let draft: JourneyGraph | null = null;
    try {
      draft = edit(j.draft as JourneyGraph);
    } catch {
      // The draft no longer has what the edit needs (e.g. the node was removed): it stays as the marketer left it.
    }
    if (draft) await this.saveDraft(draft);
    return { version };
  }

  /** Saves the document as draft and publishes it: the one-step path for files and templates. */
  async deploy(doc: unknown): Promise<{ id: string; version: number }> {
    const v = await this.validate(doc);
    if (!v.ok || !v.graph) throw new ForesightError('invalid_journey', `journey is invalid:\n${v.problems.map((p) => `  - ${p.message}`).join('\n')}`, { details: v.problems });
    await this.saveDraft(doc);
    const { version } = await this.publish(v.graph.id);
    return { id: v.graph.id, version };
  }

  async pause(id: string): Promise<void> {
    const j = await this.require(id);
    if (j.status !== 'live') throw new ForesightError('invalid_state', `journey "${id}" is ${j.status}; only a live journey can be paused`, { field: 'status' });
    await this.storage.journeys.setStatus(id, 'paused', this.clock.now().getTime());
  }

  async resume(id: string): Promise<void> {
    const j = await this.require(id);
    if (j.status !== 'paused') throw new ForesightError('invalid_state', `journey "${id}" is ${j.status}; only a paused journey can be resumed`, { field: 'status' });
    await this.storage.journeys.setStatus(id, 'live', this.clock.now().getTime());
  }

  async archive(id: string): Promise<void> {
    await this.require(id);
    await this.storage.journeys.setStatus(id, 'archived', this.clock.now().getTime());
  }

  /** Per-node numbers: entered, per port, waiting now, conversions. Summed over versions. */
  async stats(id: string): Promise<{ nodes: Record<string, { entered: number; ports: Record<string, number>; waiting: number; converted: Record<string, number> }>; enrolled: number; converted: number; exited: number; heldOut: number; statuses: Record<string, number> }> {
    await this.require(id);
    const nodes: Record<string, { entered: number; ports: Record<string, number>; waiting: number; converted: Record<string, number> }> = {};
    const slot = (nodeId: string) => (nodes[nodeId] ??= { entered: 0, ports: {}, waiting: 0, converted: {} });
    let enrolled = 0;
    let converted = 0;
    let exited = 0;
    let heldOut = 0;
    for (const c of await this.storage.runs.counters(id)) {
      if (c.nodeId === '$journey') {
        if (c.key === 'enrolled') enrolled += c.count;
        else if (c.key === 'converted') converted += c.count;
        else if (c.key === 'exited') exited += c.count;
        else if (c.key === 'heldOut') heldOut += c.count;
        continue;
      }
      const s = slot(c.nodeId);
      if (c.key === 'entered') s.entered += c.count;
      else if (c.key.startsWith('port:')) s.ports[c.key.slice(5)] = (s.ports[c.key.slice(5)] ?? 0) + c.count;
      else if (c.key.startsWith('converted:')) s.converted[c.key.slice(10)] = (s.converted[c.key.slice(10)] ?? 0) + c.count;
    }
    for (const w of await this.storage.runs.waitingByNode(id)) slot(w.nodeId).waiting = w.count;
    return { nodes, enrolled, converted, exited, heldOut, statuses: await this.storage.runs.countByStatus(id) };
  }

  private async require(id: string): Promise<JourneyRecord> {
    const j = await this.storage.journeys.get(id);
    if (!j) throw new ForesightError('not_found', `journey "${id}" does not exist`, { field: 'id' });
    return j;
  }
}
