import { applyDefaults } from '../plugin/fields.ts';
import type { NodeRegistry } from '../plugin/registry.ts';
import type { JourneyGraph, Problem } from './types.ts';

/**
 * The shortest wait a loop must pass through. A loop through a shorter (or no)
 * wait can repeat its actions many times a minute for one customer; one hour
 * keeps a mistaken loop harmless while allowing "check again tomorrow" loops.
 */
export const MIN_CYCLE_WAIT_MS = 3_600_000;

/** Every loop in the graph must pass a waiting node whose minimum wait is at least MIN_CYCLE_WAIT_MS. */
export function loopProblems(graph: JourneyGraph, registry: NodeRegistry): Problem[] {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const waits = new Map<string, number>();
  for (const n of graph.nodes) {
    const def = registry.get(n.type);
    if (def?.waits) waits.set(n.id, minWait(() => def.minWaitMs?.(applyDefaults(def.fields, n.config)) ?? 0));
  }
  const breaks = new Set([...waits].filter(([, ms]) => ms >= MIN_CYCLE_WAIT_MS).map(([id]) => id));
  const out = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (!ids.has(e.source) || !ids.has(e.target)) continue;
    if (!out.has(e.source)) out.set(e.source, []);
    out.get(e.source)!.push(e.target);
  }
  return loopsWithout([...ids], out, breaks).map((loop) => {
    const short = loop.filter((id) => waits.has(id));
    const path = loop.map((c) => `"${c}"`).join(' → ');
    return {
      nodeId: loop[0],
      message: short.length
        ? `nodes ${path} form a loop whose waits (${short.map((c) => `"${c}"`).join(', ')}) can be shorter than 1h, the minimum wait in a loop; lengthen a wait in the loop to at least 1h`
        : `nodes ${path} form a loop with no wait in it; add a wait node of at least 1h to the loop`,
    };
  });
}

/** A wait whose config cannot be read counts as no wait: the field checks report the config itself. */
function minWait(read: () => number): number {
  try {
    const ms = read();
    return Number.isFinite(ms) ? ms : 0;
  } catch {
    return 0;
  }
}

/** Strongly connected components (Tarjan) of the graph minus `breaks`: every non-trivial one holds a loop that never passes a break. */
function loopsWithout(ids: string[], out: Map<string, string[]>, breaks: Set<string>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of out.get(v) ?? []) {
      if (breaks.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      const selfLoop = comp.length === 1 && (out.get(v) ?? []).includes(v);
      if (comp.length > 1 || selfLoop) result.push(comp.reverse());
    }
  };
  for (const id of ids) if (!breaks.has(id) && !index.has(id)) visit(id);
  return result;
}
