import { useEffect, useState } from 'react';
import { ReactFlow, ReactFlowProvider } from '@xyflow/react';
import { get, post } from '../api.ts';
import { errorText } from '../format.ts';
import { navigate } from '../router.ts';
import type { LifecycleTemplate, NodeDescriptor } from '../types.ts';
import { CanvasContext } from '../canvas/context.ts';
import { autoLayout, docToFlow } from '../canvas/graph.ts';
import { nodeTypes } from '../canvas/JourneyNode.tsx';

/** The lifecycle templates with a read-only preview of each journey; import makes an editable draft. */
export function Templates() {
  const [templates, setTemplates] = useState<LifecycleTemplate[] | null>(null);
  const [descriptors, setDescriptors] = useState<Map<string, NodeDescriptor>>(new Map());
  const [open, setOpen] = useState<LifecycleTemplate | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    get<{ templates: LifecycleTemplate[] }>('/api/templates').then((r) => setTemplates(r.templates), (e) => setError(errorText(e)));
    get<{ nodeTypes: NodeDescriptor[] }>('/api/node-types').then((r) => setDescriptors(new Map(r.nodeTypes.map((d) => [d.type, d]))), () => undefined);
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
            <article key={t.id} className={`card template ${open?.id === t.id ? 'open' : ''}`} data-template={t.id}>
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
                <div>
                  <dt>Steps</dt>
                  <dd>{t.journey.nodes.length}</dd>
                </div>
              </dl>
              <div className="row gap">
                <button type="button" className="btn ghost" onClick={() => setOpen(open?.id === t.id ? null : t)}>
                  {open?.id === t.id ? 'Hide preview' : 'Preview'}
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
        <div className="card template-preview" aria-label={`Preview of ${open.name}`}>
          <h2>{open.name}</h2>
          <TemplateCanvas template={open} descriptors={descriptors} />
        </div>
      )}
    </section>
  );
}

function TemplateCanvas({ template, descriptors }: { template: LifecycleTemplate; descriptors: Map<string, NodeDescriptor> }) {
  const flow = docToFlow(template.journey, { id: template.id, name: template.name });
  const nodes = template.journey.nodes.some((n) => 'position' in n) ? flow.nodes : autoLayout(flow.nodes, flow.edges);
  return (
    <div className="mini-canvas">
      <CanvasContext.Provider value={{ descriptors, ports: {}, problems: new Map(), counts: null, countsLabel: null, trace: null }}>
        <ReactFlowProvider>
          <ReactFlow nodes={nodes} edges={flow.edges} nodeTypes={nodeTypes} fitView nodesDraggable={false} nodesConnectable={false} elementsSelectable={false} proOptions={{ hideAttribution: true }} />
        </ReactFlowProvider>
      </CanvasContext.Provider>
    </div>
  );
}
