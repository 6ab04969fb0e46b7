import { useMemo, useState, type DragEvent } from 'react';
import type { NodeDescriptor } from '../types.ts';

export const DRAG_TYPE = 'application/x-foresight-node';

const CATEGORY_LABELS: Record<string, string> = { trigger: 'Triggers', condition: 'Conditions', timing: 'Timing', action: 'Actions', flow: 'Flow' };

/** Node types from the registry, grouped by category and searchable; drag one onto the canvas or click to add. */
export function Palette({ descriptors, onAdd }: { descriptors: NodeDescriptor[]; onAdd: (type: string) => void }) {
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const match = (d: NodeDescriptor) => !q || `${d.label} ${d.type} ${d.description} ${d.category}`.toLowerCase().includes(q);
    const byCat = new Map<string, NodeDescriptor[]>();
    for (const d of descriptors.filter(match)) byCat.set(d.category, [...(byCat.get(d.category) ?? []), d]);
    const order = Object.keys(CATEGORY_LABELS);
    return [...byCat.entries()].sort(([a], [b]) => (order.indexOf(a) + 99) % 99 - ((order.indexOf(b) + 99) % 99));
  }, [descriptors, query]);

  const onDragStart = (e: DragEvent, type: string) => {
    e.dataTransfer.setData(DRAG_TYPE, type);
    e.dataTransfer.effectAllowed = 'move';
  };

  return (
    <aside className="palette" aria-label="Node palette">
      <input className="search" type="search" placeholder="Search nodes…" aria-label="Search nodes" value={query} onChange={(e) => setQuery(e.target.value)} />
      <div className="palette-groups">
        {groups.length === 0 && <p className="muted small pad">No node matches “{query}”.</p>}
        {groups.map(([cat, items]) => (
          <section key={cat} className="palette-group">
            <h3>{CATEGORY_LABELS[cat] ?? cat}</h3>
            {items.map((d) => (
              <div
                key={d.type}
                className={`palette-item cat-${d.category}`}
                draggable
                role="button"
                tabIndex={0}
                data-type={d.type}
                title={d.description}
                onDragStart={(e) => onDragStart(e, d.type)}
                onDoubleClick={() => onAdd(d.type)}
                onKeyDown={(e) => e.key === 'Enter' && onAdd(d.type)}
              >
                <span className="dot" aria-hidden="true" />
                <span className="palette-text">
                  <span className="palette-label">{d.label}</span>
                  <span className="palette-desc">{d.description}</span>
                </span>
              </div>
            ))}
          </section>
        ))}
      </div>
      <p className="palette-hint muted small">Drag onto the canvas, or double-click to add.</p>
    </aside>
  );
}
