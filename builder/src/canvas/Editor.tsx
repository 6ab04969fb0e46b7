import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  addEdge,
  useEdgesState,
  useNodesInitialized,
  useNodesState,
  useReactFlow,
  type Connection,
  type XYPosition,
} from '@xyflow/react';
import { get, post, put } from '../api.ts';
import { errorText } from '../format.ts';
import { navigate, setLeaveGuard } from '../router.ts';
import type { BacktestResult, CustomerRun, JourneyDetail, JourneyStats, NodeDescriptor, Problem } from '../types.ts';
import { DRAG_TYPE, Palette } from '../palette/Palette.tsx';
import { SuggestionsContext } from '../panel/FieldInput.tsx';
import { NodePanel } from '../panel/NodePanel.tsx';
import { JourneyPanel } from '../panel/JourneyPanel.tsx';
import { Performance } from '../stats/Performance.tsx';
import { TracePanel } from '../trace/TracePanel.tsx';
import { StatusBadge } from '../pages/JourneyList.tsx';
import { BacktestDialog } from './BacktestDialog.tsx';
import { MigrateDialog } from './MigrateDialog.tsx';
import { DraftBadge } from './DraftBadge.tsx';
import { PublishDialog } from './PublishDialog.tsx';
import { TestSend } from '../panel/TestSend.tsx';
import { VersionsDialog } from './VersionsDialog.tsx';
import { CanvasContext, type CanvasInfo } from './context.ts';
import { autoLayout, initialViewport, needsLayout, cloneSubgraph, defaultConfig, docToFlow, edgeId, flowToDoc, nextNodeId, nodeTitle, problemText, type JEdge, type JNode, type JourneyMeta } from './graph.ts';
import { useHistory } from './history.ts';
import { nodeTypes } from './JourneyNode.tsx';
import { useShortcuts, SHORTCUTS } from './shortcuts.ts';

type SaveState = 'saved' | 'dirty' | 'saving' | 'error';
type Tab = 'settings' | 'performance' | 'trace';
interface Snapshot {
  meta: JourneyMeta;
  nodes: JNode[];
  edges: JEdge[];
}

const STATS_EVERY_MS = 5000;
const VALIDATE_AFTER_MS = 350;
const SAVE_AFTER_MS = 1200;

export function Editor({ journeyId }: { journeyId: string }) {
  return (
    <ReactFlowProvider>
      <EditorLoader journeyId={journeyId} />
    </ReactFlowProvider>
  );
}

function EditorLoader({ journeyId }: { journeyId: string }) {
  const [loaded, setLoaded] = useState<{ descriptors: NodeDescriptor[]; journey: JourneyDetail } | null>(null);
  const [error, setError] = useState('');
  const [segments, setSegments] = useState<string[]>([]);
  useEffect(() => {
    Promise.all([get<{ nodeTypes: NodeDescriptor[] }>('/api/node-types'), get<{ journey: JourneyDetail }>(`/api/journeys/${encodeURIComponent(journeyId)}`)]).then(
      ([t, j]) => setLoaded({ descriptors: t.nodeTypes, journey: j.journey }),
      (e) => setError(errorText(e)),
    );
    // Suggestions only: the editor works without them.
    get<{ segments: { name: string }[] }>('/api/segments').then(
      (r) => setSegments(r.segments.map((x) => x.name)),
      () => undefined,
    );
  }, [journeyId]);
  const suggestions = useMemo(() => ({ segments }), [segments]);
  if (error)
    return (
      <div className="center-message">
        <p className="error">{error}</p>
        <button type="button" className="btn" onClick={() => navigate({ page: 'journeys' })}>
          Back to journeys
        </button>
      </div>
    );
  if (!loaded) return <div className="boot" aria-busy="true" />;
  return (
    <SuggestionsContext.Provider value={suggestions}>
      <EditorView descriptors={loaded.descriptors} initial={loaded.journey} />
    </SuggestionsContext.Provider>
  );
}

/** A journey document as canvas state. Documents written by hand or laid out for other node shapes are tidied once on open. */
function openOnCanvas(doc: unknown, journey: { id: string; name: string }, descriptors: NodeDescriptor[]) {
  const flow = docToFlow(doc, journey);
  const ports = (n: JNode) => descriptors.find((d) => d.type === n.data.type)?.ports.length ?? 1;
  return needsLayout(flow.nodes, flow.edges, ports) ? { ...flow, nodes: autoLayout(flow.nodes, flow.edges, ports) } : flow;
}

function EditorView({ descriptors, initial }: { descriptors: NodeDescriptor[]; initial: JourneyDetail }) {
  const start = useMemo(() => openOnCanvas(initial.draft, initial, descriptors), [initial, descriptors]);
  const [meta, setMeta] = useState(start.meta);
  const [nodes, setNodes, onNodesChange] = useNodesState<JNode>(start.nodes);
  const [edges, setEdges, onEdgesChange] = useEdgesState<JEdge>(start.edges);
  const [journey, setJourney] = useState(initial);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [ports, setPorts] = useState<Record<string, string[]>>({});
  const [saveState, setSaveState] = useState<SaveState>('saved');
  const [stats, setStats] = useState<JourneyStats | null>(null);
  const [backtest, setBacktest] = useState<BacktestResult | null>(null);
  const [overlay, setOverlay] = useState<'live' | 'backtest' | 'off'>('live');
  const [trace, setTrace] = useState<CustomerRun | null>(null);
  const [tab, setTab] = useState<Tab>('settings');
  const [toast, setToast] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [dialog, setDialog] = useState<'backtest' | 'versions' | 'shortcuts' | 'problems' | 'publish' | 'migrate' | null>(null);
  const flow = useReactFlow<JNode, JEdge>();
  const history = useHistory<Snapshot>();
  const clipboard = useRef<{ nodes: JNode[]; edges: JEdge[] } | null>(null);
  const descriptorMap = useMemo(() => new Map(descriptors.map((d) => [d.type, d])), [descriptors]);

  // Refs mirror state so callbacks registered once (shortcuts, timers) see the latest document.
  const snapshotRef = useRef<Snapshot>({ meta, nodes, edges });
  snapshotRef.current = { meta, nodes, edges };
  const snapshot = useCallback((): Snapshot => ({ ...snapshotRef.current, nodes: snapshotRef.current.nodes.map((n) => ({ ...n, selected: false })) }), []);
  const restore = useCallback(
    (s: Snapshot | undefined) => {
      if (!s) return;
      setMeta(s.meta);
      setNodes(s.nodes);
      setEdges(s.edges);
    },
    [setNodes, setEdges],
  );

  const doc = useMemo(() => flowToDoc(meta, nodes, edges), [meta, nodes, edges]);
  const docJson = useMemo(() => JSON.stringify(doc), [doc]);
  const savedJson = useRef(docJson);
  const jid = encodeURIComponent(journey.id);

  const notify = useCallback((kind: 'ok' | 'error', text: string) => {
    setToast({ kind, text });
    if (kind === 'ok') setTimeout(() => setToast((t) => (t?.text === text ? null : t)), 3500);
  }, []);

  // ---- validation, autosave and the unsaved-changes guard
  useEffect(() => {
    const t = setTimeout(() => {
      post<{ ok: boolean; problems: Problem[]; ports?: Record<string, string[]> }>(`/api/journeys/${jid}/validate`, { graph: JSON.parse(docJson) }).then(
        (r) => {
          setProblems(r.problems);
          if (r.ports) setPorts(r.ports);
        },
        () => undefined,
      );
    }, VALIDATE_AFTER_MS);
    return () => clearTimeout(t);
  }, [docJson, jid]);

  const save = useCallback(async (): Promise<boolean> => {
    const body = docJson;
    if (body === savedJson.current) return true;
    setSaveState('saving');
    try {
      const r = await put<{ journey: JourneyDetail; problems: Problem[] }>(`/api/journeys/${jid}/draft`, { graph: JSON.parse(body) });
      savedJson.current = body;
      setJourney((j) => ({ ...j, ...r.journey }));
      if (r.problems) setProblems(r.problems);
      setSaveState(snapshotRef.current && JSON.stringify(flowToDoc(snapshotRef.current.meta, snapshotRef.current.nodes, snapshotRef.current.edges)) === body ? 'saved' : 'dirty');
      return true;
    } catch (e) {
      setSaveState('error');
      notify('error', `Could not save the draft: ${errorText(e)}`);
      return false;
    }
  }, [docJson, jid, notify]);

  useEffect(() => {
    // Undo/redo can lead back to exactly what is saved: nothing is unsaved then.
    if (docJson === savedJson.current) {
      setSaveState((st) => (st === 'dirty' ? 'saved' : st));
      return;
    }
    setSaveState('dirty');
    const t = setTimeout(() => void save(), SAVE_AFTER_MS);
    return () => clearTimeout(t);
  }, [docJson, save]);

  const unsaved = saveState !== 'saved';
  useEffect(() => {
    setLeaveGuard(() => (unsaved ? 'This journey has changes that are not saved yet. Leave anyway?' : null));
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (unsaved) e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      setLeaveGuard(null);
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [unsaved]);

  // ---- live numbers while the editor is open
  const hasLive = journey.liveVersion !== null && journey.liveVersion !== undefined && journey.liveVersion > 0;
  useEffect(() => {
    if (!hasLive) return;
    let stop = false;
    const load = () =>
      get<JourneyStats>(`/api/journeys/${jid}/stats`).then(
        (s) => !stop && setStats(s),
        () => undefined,
      );
    void load();
    const t = setInterval(load, STATS_EVERY_MS);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, [hasLive, jid]);

  // ---- editing
  const addNode = useCallback(
    (type: string, position?: XYPosition) => {
      const d = descriptorMap.get(type);
      if (!d) return;
      history.record(snapshot());
      const at = position ?? flow.screenToFlowPosition({ x: window.innerWidth / 2, y: window.innerHeight / 2 });
      const id = nextNodeId(type, snapshotRef.current.nodes.map((n) => n.id));
      setNodes((ns) => [...ns.map((n) => ({ ...n, selected: false })), { id, type: 'journey', position: at, data: { type, typeVersion: d.version, config: defaultConfig(d.fields) }, selected: true }]);
      setTab('settings');
    },
    [descriptorMap, flow, history, setNodes, snapshot],
  );

  const onDrop = useCallback(
    (e: DragEvent) => {
      e.preventDefault();
      const type = e.dataTransfer.getData(DRAG_TYPE);
      if (type) addNode(type, flow.screenToFlowPosition({ x: e.clientX - 120, y: e.clientY - 30 }));
    },
    [addNode, flow],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      history.record(snapshot());
      // A port leads to exactly one node: a new connection from a port replaces the old one.
      setEdges((es) => addEdge({ ...c, id: edgeId(c.source, c.sourceHandle ?? '', c.target) }, es.filter((e) => !(e.source === c.source && e.sourceHandle === c.sourceHandle))));
    },
    [history, setEdges, snapshot],
  );

  const setConfig = useCallback(
    (nodeId: string, key: string, value: unknown) => {
      history.record(snapshot(), `cfg:${nodeId}:${key}`);
      setNodes((ns) =>
        ns.map((n) => {
          if (n.id !== nodeId) return n;
          const config = { ...n.data.config };
          if (value === undefined) delete config[key];
          else config[key] = value;
          return { ...n, data: { ...n.data, config } };
        }),
      );
    },
    [history, setNodes, snapshot],
  );

  const setName = useCallback(
    (nodeId: string, name: string) => {
      history.record(snapshot(), `name:${nodeId}`);
      setNodes((ns) => ns.map((n) => (n.id === nodeId ? { ...n, data: { ...n.data, name: name || undefined } } : n)));
    },
    [history, setNodes, snapshot],
  );

  // A readable view of the whole journey (or of its start, when it is long).
  const showAll = useCallback(() => {
    const el = document.querySelector('.canvas');
    if (el) void flow.setViewport(initialViewport(flow.getNodesBounds(snapshotRef.current.nodes), el.clientWidth, el.clientHeight), { duration: 300 });
  }, [flow]);

  const layout = useCallback(() => {
    history.record(snapshot());
    setNodes((ns) => autoLayout(ns, snapshotRef.current.edges));
    requestAnimationFrame(showAll);
  }, [history, setNodes, showAll, snapshot]);

  const deleteSelected = useCallback(() => {
    const s = snapshotRef.current;
    void flow.deleteElements({ nodes: s.nodes.filter((n) => n.selected), edges: s.edges.filter((e) => e.selected) });
  }, [flow]);

  const copy = useCallback(() => {
    const s = snapshotRef.current;
    const picked = s.nodes.filter((n) => n.selected);
    if (picked.length) clipboard.current = { nodes: picked, edges: s.edges };
  }, []);

  const paste = useCallback(() => {
    const c = clipboard.current;
    if (!c) return;
    history.record(snapshot());
    const s = snapshotRef.current;
    const copies = cloneSubgraph(c.nodes, c.edges, s.nodes.map((n) => n.id), { x: 48, y: 48 });
    setNodes([...s.nodes.map((n) => ({ ...n, selected: false })), ...copies.nodes]);
    setEdges([...s.edges, ...copies.edges]);
    clipboard.current = { nodes: copies.nodes, edges: copies.edges };
  }, [history, setEdges, setNodes, snapshot]);

  const undo = useCallback(() => restore(history.undo(snapshot())), [history, restore, snapshot]);
  const redo = useCallback(() => restore(history.redo(snapshot())), [history, restore, snapshot]);

  // First view: the whole journey if it fits readably, else its start at a readable zoom.
  // (Not the fitView prop: on an empty canvas it waits for the first dropped node and jumps the view
  // under the marketer's next drop; a journey opened empty keeps the view it starts with.)
  const nodesInitialized = useNodesInitialized();
  const viewed = useRef(start.nodes.length === 0);
  useEffect(() => {
    if (!nodesInitialized || viewed.current) return;
    viewed.current = true;
    showAll();
  }, [nodesInitialized, showAll]);

  useShortcuts({
    undo,
    redo,
    copy,
    paste,
    save: () => void save(),
    layout,
    fit: () => flow.fitView({ padding: 0.2, duration: 300 }),
    help: () => setDialog((d) => (d === 'shortcuts' ? null : 'shortcuts')),
    escape: () => setDialog(null),
  });

  // ---- lifecycle
  const lifecycle = async (action: 'pause' | 'resume') => {
    try {
      await post(`/api/journeys/${jid}/${action}`);
      const { journey: fresh } = await get<{ journey: JourneyDetail }>(`/api/journeys/${jid}`);
      setJourney(fresh);
      notify('ok', action === 'pause' ? 'Journey paused: nobody new enters.' : 'Journey resumed.');
    } catch (e) {
      notify('error', errorText(e));
    }
  };

  // The server publishes the winner and edits its draft; the canvas takes the same change so autosave keeps it.
  const declareWinner = async (nodeId: string, variant: string) => {
    try {
      const r = await post<{ version: number }>(`/api/journeys/${jid}/declare-winner`, { node: nodeId, variant });
      setConfig(nodeId, 'winner', variant);
      setConfig(nodeId, 'autoAllocate', false);
      setJourney((await get<{ journey: JourneyDetail }>(`/api/journeys/${jid}`)).journey);
      notify('ok', `Published version ${r.version}: everyone at "${nodeId}" now gets variant "${variant}".`);
    } catch (e) {
      notify('error', errorText(e));
    }
  };

  const focusNode = (nodeId: string) => {
    setNodes((ns) => ns.map((n) => ({ ...n, selected: n.id === nodeId })));
    setTab('settings');
    const n = snapshotRef.current.nodes.find((x) => x.id === nodeId);
    if (n) flow.setCenter(n.position.x + 120, n.position.y + 50, { zoom: 1.1, duration: 300 });
  };

  // ---- what the canvas shows besides the document
  const problemMap = useMemo(() => {
    const m = new Map<string, Problem[]>();
    for (const p of problems) if (p.nodeId) m.set(p.nodeId, [...(m.get(p.nodeId) ?? []), p]);
    return m;
  }, [problems]);
  const counts = overlay === 'backtest' ? (backtest?.nodes ?? null) : overlay === 'live' ? (stats?.nodes ?? null) : null;
  const traced = useMemo(() => {
    if (!trace) return null;
    const steps = new Set(trace.history.map((s) => `${s.nodeId}\u0000${s.port ?? ''}`));
    return { nodes: new Set([...trace.history.map((s) => s.nodeId), ...(trace.nodeId ? [trace.nodeId] : [])]), steps, current: trace.status === 'waiting' || trace.status === 'active' ? trace.nodeId : null };
  }, [trace]);
  const info: CanvasInfo = useMemo(
    () => ({ descriptors: descriptorMap, ports, problems: problemMap, counts, countsLabel: counts ? (overlay as 'live' | 'backtest') : null, messages: overlay === 'live' ? stats?.messages?.nodes : null, trace: traced }),
    [descriptorMap, ports, problemMap, counts, overlay, traced, stats],
  );
  const titleOf = useCallback(
    (id: string) => {
      const n = nodes.find((x) => x.id === id);
      return n ? nodeTitle(n.data, descriptorMap.get(n.data.type)) : id;
    },
    [nodes, descriptorMap],
  );
  const shownEdges = useMemo(
    () =>
      edges.map((e) => {
        const onPath = traced ? traced.steps.has(`${e.source}\u0000${e.sourceHandle ?? ''}`) && traced.nodes.has(e.target) : false;
        const bad = problems.some((p) => p.edgeId === e.id);
        const className = [onPath ? 'traced' : traced ? 'dimmed' : '', bad ? 'invalid' : ''].filter(Boolean).join(' ');
        return className ? { ...e, className, animated: onPath } : e;
      }),
    [edges, traced, problems],
  );

  const selected = nodes.filter((n) => n.selected);
  const single = selected.length === 1 ? selected[0]! : null;
  const onTrace = useCallback(
    (r: CustomerRun | null) => {
      setTrace(r);
      if (r) requestAnimationFrame(() => flow.fitView({ nodes: r.history.map((s) => ({ id: s.nodeId })), padding: 0.3, maxZoom: 1, duration: 300 }));
    },
    [flow],
  );

  return (
    <CanvasContext.Provider value={info}>
      <div className="editor">
        <header className="editor-bar">
          <button type="button" className="btn ghost" onClick={() => navigate({ page: 'journeys' })} aria-label="Back to journeys">
            ← Journeys
          </button>
          <div className="editor-title">
            <h1>{meta.name}</h1>
            <StatusBadge status={journey.status} />
            {journey.liveVersion ? <span className="muted small">live v{journey.liveVersion}</span> : null}
            <DraftBadge journeyId={journey.id} liveVersion={journey.liveVersion ?? null} saved={saveState === 'saved'} />
            <span className={`save-state ${saveState}`} data-save-state={saveState}>
              {saveState === 'saved' ? 'All changes saved' : saveState === 'saving' ? 'Saving…' : saveState === 'error' ? 'Not saved' : 'Unsaved changes'}
            </span>
          </div>
          <div className="row tight">
            <button type="button" className="btn icon" title="Undo (Ctrl+Z)" aria-label="Undo" disabled={!history.canUndo} onClick={undo}>
              ↶
            </button>
            <button type="button" className="btn icon" title="Redo (Ctrl+Shift+Z)" aria-label="Redo" disabled={!history.canRedo} onClick={redo}>
              ↷
            </button>
            <button type="button" className="btn" title="Auto-layout (Shift+L)" onClick={layout}>
              Tidy up
            </button>
            <button type="button" className={`btn ${problems.length ? 'warn' : ''}`} onClick={() => setDialog(dialog === 'problems' ? null : 'problems')} data-testid="problems-button">
              {problems.length ? `${problems.length} problem${problems.length > 1 ? 's' : ''}` : 'No problems'}
            </button>
            <select className="overlay-select" aria-label="Numbers on canvas" value={overlay} onChange={(e) => setOverlay(e.target.value as typeof overlay)}>
              <option value="live">Numbers: live</option>
              <option value="backtest" disabled={!backtest}>
                Numbers: backtest
              </option>
              <option value="off">Numbers: hidden</option>
            </select>
            <button type="button" className="btn" onClick={() => setDialog('backtest')}>
              Backtest
            </button>
            {hasLive && (
              <button type="button" className="btn" onClick={() => setDialog('versions')}>
                Versions
              </button>
            )}
            {journey.status === 'live' && (
              <button type="button" className="btn" onClick={() => lifecycle('pause')}>
                Pause
              </button>
            )}
            {journey.status === 'paused' && (
              <button type="button" className="btn" onClick={() => lifecycle('resume')}>
                Resume
              </button>
            )}
            <button type="button" className="btn primary" onClick={() => void save().then((ok) => ok && setDialog('publish'))}>
              Publish
            </button>
          </div>
        </header>
        {toast && (
          <div className={`toast ${toast.kind}`} role="status">
            {toast.text}
            <button type="button" className="btn icon ghost" aria-label="Dismiss" onClick={() => setToast(null)}>
              ×
            </button>
          </div>
        )}
        <div className="editor-body">
          <Palette descriptors={descriptors} onAdd={(t) => addNode(t)} />
          <div className="canvas" onDragOver={(e) => ((e.dataTransfer.dropEffect = 'move'), e.preventDefault())} onDrop={onDrop}>
            <ReactFlow<JNode, JEdge>
              nodes={nodes}
              edges={shownEdges}
              nodeTypes={nodeTypes}
              onNodesChange={onNodesChange}
              onEdgesChange={onEdgesChange}
              onConnect={onConnect}
              onNodeDragStart={() => history.record(snapshot())}
              onBeforeDelete={async () => (history.record(snapshot()), true)}
              isValidConnection={(c) => c.source !== c.target}
              deleteKeyCode={['Backspace', 'Delete']}
              multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
              defaultEdgeOptions={{ type: 'smoothstep' }}
              minZoom={0.2}
              proOptions={{ hideAttribution: true }}
            >
              <Background gap={20} size={1.2} color="#d5d9e2" />
              <Controls position="bottom-left" />
              <MiniMap position="bottom-right" pannable zoomable nodeStrokeWidth={3} nodeColor={(n) => categoryColor(descriptorMap.get((n.data as JNode['data']).type)?.category)} />
            </ReactFlow>
            {nodes.length === 0 && (
              <div className="canvas-empty">
                <h2>Start with a trigger</h2>
                <p className="muted">Drag a trigger from the left, then add waits, conditions and messages after it.</p>
              </div>
            )}
          </div>
          <aside className="side">
            <div className="side-tabs" role="tablist">
              {(['settings', 'performance', 'trace'] as Tab[]).map((t) => (
                <button key={t} type="button" role="tab" aria-selected={tab === t} className={`tab ${tab === t ? 'active' : ''}`} onClick={() => setTab(t)}>
                  {t === 'settings' ? (single ? 'Node' : 'Journey') : t === 'performance' ? 'Numbers' : 'Customer trace'}
                </button>
              ))}
            </div>
            {tab === 'settings' &&
              (single ? (
                <NodePanel
                  key={single.id}
                  node={single}
                  descriptor={descriptorMap.get(single.data.type)}
                  problems={problemMap.get(single.id) ?? []}
                  ab={stats?.ab?.[single.id]}
                  onConfig={(k, v) => setConfig(single.id, k, v)}
                  onName={(v) => setName(single.id, v)}
                  onDelete={deleteSelected}
                  tools={single.data.type === 'action.email' ? <TestSend journeyId={journey.id} nodeId={single.id} save={save} /> : null}
                />
              ) : (
                <JourneyPanel
                  meta={meta}
                  problems={problems}
                  onChange={(m, key) => {
                    history.record(snapshot(), `meta:${key}`);
                    setMeta(m);
                  }}
                />
              ))}
            {tab === 'performance' && (
              <Performance
                nodes={nodes}
                edges={edges}
                descriptors={descriptorMap}
                counts={counts}
                converted={(overlay === 'backtest' ? backtest?.converted : stats?.converted) ?? 0}
                ab={overlay === 'live' ? (stats?.ab ?? {}) : {}}
                source={counts ? (overlay as 'live' | 'backtest') : null}
                lift={overlay === 'live' ? stats?.lift : null}
                heldOut={overlay === 'live' ? stats?.heldOut : 0}
                onDeclareWinner={overlay === 'live' ? declareWinner : undefined}
                messages={overlay === 'live' ? stats?.messages : null}
                journeyId={journey.id}
              />
            )}
            {tab === 'trace' && <TracePanel journeyId={journey.id} onTrace={onTrace} title={titleOf} />}
          </aside>
        </div>
        {dialog === 'problems' && (
          <div className="popover problems-pop" role="dialog" aria-label="Problems">
            <div className="row between">
              <h3>{problems.length ? 'Fix these before publishing' : 'The journey is valid'}</h3>
              <button type="button" className="btn icon ghost" aria-label="Close" onClick={() => setDialog(null)}>
                ×
              </button>
            </div>
            <ul className="list">
              {problems.map((p, i) => (
                <li key={i}>
                  <button type="button" className="list-item" disabled={!p.nodeId} onClick={() => p.nodeId && focusNode(p.nodeId)}>
                    {p.nodeId && <code>{p.nodeId}</code>} {problemText(p.message)}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
        {dialog === 'publish' && (
          <PublishDialog
            journeyId={journey.id}
            onClose={() => setDialog(null)}
            onFocusNode={(id) => {
              setDialog(null);
              focusNode(id);
            }}
            onPublished={async (r) => {
              setDialog(null);
              const { journey: fresh } = await get<{ journey: JourneyDetail }>(`/api/journeys/${jid}`);
              setJourney(fresh);
              notify('ok', `Published version ${r.version}${r.entering ? `; ${r.entering} current members enter now` : ''}. Customers already in the journey stay on their version.`);
              // A new version of a journey with customers inside: offer to move them (the dialog closes itself when nobody waits).
              if ((fresh.liveVersion ?? 0) > 1) setDialog('migrate');
            }}
          />
        )}
        {dialog === 'backtest' && (
          <BacktestDialog
            journeyId={journey.id}
            graph={doc}
            onClose={() => setDialog(null)}
            onResult={(r) => {
              setBacktest(r);
              setOverlay('backtest');
              setTab('performance');
              setDialog(null);
            }}
          />
        )}
        {dialog === 'versions' && (
          <VersionsDialog
            journeyId={journey.id}
            liveVersion={journey.liveVersion}
            onClose={() => setDialog(null)}
            onRestore={(v) => {
              history.record(snapshot());
              restore(openOnCanvas(v.graph, journey, descriptors));
              setDialog(null);
              notify('ok', `Version ${v.version} is on the canvas as the draft; publish to make it live.`);
            }}
          />
        )}
        {dialog === 'migrate' && (
          <MigrateDialog
            journeyId={journey.id}
            onClose={() => setDialog(null)}
            onDone={(text) => {
              setDialog(null);
              notify('ok', text);
            }}
          />
        )}
        {dialog === 'shortcuts' && (
          <div className="modal-backdrop" onClick={() => setDialog(null)}>
            <div className="modal" role="dialog" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
              <h2>Keyboard shortcuts</h2>
              <table className="table compact">
                <tbody>
                  {SHORTCUTS.map(([keys, what]) => (
                    <tr key={keys}>
                      <td>
                        <kbd>{keys}</kbd>
                      </td>
                      <td>{what}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        )}
      </div>
    </CanvasContext.Provider>
  );
}

const CATEGORY_COLORS: Record<string, string> = { trigger: '#16a34a', condition: '#d97706', timing: '#2563eb', action: '#7c3aed', flow: '#475569' };
export const categoryColor = (c: string | undefined) => CATEGORY_COLORS[c ?? ''] ?? '#94a3b8';
