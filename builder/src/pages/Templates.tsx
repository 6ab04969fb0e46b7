import { useEffect, useMemo, useState } from 'react';
import { ReactFlow, ReactFlowProvider, useReactFlow, useStore } from '@xyflow/react';
import { get, post } from '../api.ts';
import { errorText } from '../format.ts';
import { navigate } from '../router.ts';
import type { LifecycleTemplate, NodeDescriptor } from '../types.ts';
import { CanvasContext } from '../canvas/context.ts';
import { autoLayout, docToFlow, fitBounds } from '../canvas/graph.ts';
import { nodeTypes } from '../canvas/JourneyNode.tsx';

/** The lifecycle templates with a read-only preview of each journey; import makes an editable draft. */
export function Templates() {
  const [templates, setTemplates] = useState<LifecycleTemplate[] | null>(null);
  const [descriptors, setDescriptors] = useState<NodeDescriptor[]>([]);
  const [open, setOpen] = useState<LifecycleTemplate | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    get<{ templates: LifecycleTemplate[] }>('/api/templates').then((r) => setTemplates(r.templates), (e) => setError(errorText(e)));
    get<{ nodeTypes: NodeDescriptor[] }>('/api/node-types').then((r) => setDescriptors(r.nodeTypes), () => undefined);
  }, []);

  const importIt = async (t: LifecycleTemplate) => {
    setError('');
    try {
      const { journey } = await post<{ journey: { id: string } }>(`/api/templates/${encodeURIComponent(t.id)}/import`);
      navigate({ page: 'editor', id: journey.id });
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <section>
      <div className="page-head">
        <div>
          <h1>Template gallery</h1>
          <p className="muted">Proven lifecycle journeys with their emails. Import one as a draft, then adapt it.</p>
        </div>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {templates === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <div className="grid cards">
          {templates.map((t) => (
            <article key={t.id} className="card template" data-template={t.id}>
              <h2>{t.name}</h2>
              <p>{t.description}</p>
              <dl className="meta">
                <div>
                  <dt>Audience</dt>
                  <dd>{t.audience}</dd>
                </div>
                <div>
                  <dt>Measures</dt>
                  <dd>{t.kpi}</dd>
                </div>
              </dl>
              <div className="row gap template-actions">
                <span className="muted small grow">{t.journey.nodes.length} steps</span>
                <button type="button" className="btn" onClick={() => setOpen(t)}>
                  Preview
                </button>
                <button type="button" className="btn primary" onClick={() => importIt(t)}>
                  Use template
                </button>
              </div>
            </article>
          ))}
        </div>
      )}
      {open && (
        <div className="modal-backdrop" onClick={() => setOpen(null)}>
          <div className="modal wide template-preview" role="dialog" aria-label={`Preview of ${open.name}`} onClick={(e) => e.stopPropagation()}>
            <div className="row between">
              <div>
                <h2>{open.name}</h2>
                <p className="muted small">{open.audience}</p>
              </div>
              <div className="row gap">
                <button type="button" className="btn ghost" onClick={() => setOpen(null)}>
                  Close
                </button>
                <button type="button" className="btn primary" onClick={() => importIt(open)}>
                  Use template
                </button>
              </div>
            </div>
            <TemplateCanvas template={open} descriptors={descriptors} />
          </div>
        </div>
      )}
    </section>
  );
}

function TemplateCanvas({ template, descriptors }: { template: LifecycleTemplate; descriptors: NodeDescriptor[] }) {
  const byType = useMemo(() => new Map(descriptors.map((d) => [d.type, d])), [descriptors]);
  // Laid out once per template, and once more when the node types arrive (ports change heights).
  const flow = useMemo(() => {
    const f = docToFlow(template.journey, { id: template.id, name: template.name });
    return { edges: f.edges, nodes: autoLayout(f.nodes, f.edges, (n) => byType.get(n.data.type)?.ports.length ?? 1) };
  }, [template, byType]);
  return (
    <div className="mini-canvas">
      <CanvasContext.Provider value={{ descriptors: byType, ports: {}, problems: new Map(), counts: null, countsLabel: null, trace: null }}>
        <ReactFlowProvider>
          <ReactFlow nodes={flow.nodes} edges={flow.edges} nodeTypes={nodeTypes} minZoom={0.1} nodesDraggable={false} nodesConnectable={false} elementsSelectable={false} proOptions={{ hideAttribution: true }}>
            <FitWhole ids={flow.nodes.map((n) => n.id)} />
          </ReactFlow>
        </ReactFlowProvider>
      </CanvasContext.Provider>
    </div>
  );
}

/**
 * Fits the whole journey into the preview, never enlarged past 1:1: as soon as the pane has a size,
 * and again as React Flow measures the nodes (the `fitView` prop fitted the first node alone, at 2×).
 */
function FitWhole({ ids }: { ids: string[] }) {
  const flow = useReactFlow();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const measured = useStore((s) => [...s.nodeLookup.values()].filter((n) => n.measured.width).length);
  useEffect(() => {
    // By id, so the bounds use the measured sizes React Flow keeps (the layout's nodes carry estimates).
    if (width && height) void flow.setViewport(fitBounds(flow.getNodesBounds(ids), width, height, { pad: 24, minZoom: 0.1, maxZoom: 1 }));
  }, [width, height, measured, ids.join(), flow]); // eslint-disable-line react-hooks/exhaustive-deps
  return null;
}
