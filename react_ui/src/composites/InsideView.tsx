// A composite node opened: its inside over the canvas, under a breadcrumb of the levels opened
// ("Workflow › Outer › Inner": each crumb goes back to its level, Escape goes up one, ✕ back to
// the workflow). A composite inside opens like one on the workflow (double-click, ⤢, its menu):
// one level more. The inner nodes are the canvas's cards, with the statuses and values of this
// instance's inside (none, with a note, before it has run); every edit — a move, an inner value,
// a wire, a node added from the library or deleted, a port renamed, reordered, removed or
// exposed — edits the definition of the composite shown (sent whole as `set_composite` with its
// id, so every instance of it follows, at any depth, and one undo takes it back). Inner nodes do
// not run or pause on their own: the composite node runs them.
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { DragEvent as ReactDragEvent, MouseEvent as ReactMouseEvent } from 'react';
import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  BackgroundVariant,
  Controls,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  useNodesInitialized,
  useReactFlow,
  useStore,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type NodeTypes,
} from '@xyflow/react';
import type { WorkerConn } from '../hooks/useWorker';
import type { EdgeInfo } from '../protocol/generated';
import { parseShelves, specsById } from '../library/tree';
import { NODE_DRAG_TYPE } from '../library/LibraryPanel';
import type { FlowNode, GraphState, XY } from '../state/graph';
import { executorsOf } from '../state/runs';
import { useToast } from '../ui/toast';
import { NodeCard } from '../canvas/NodeCard';
import { NodeStore } from '../canvas/nodeStore';
import { IncomingStore } from '../canvas/incoming';
import { stableWorker, type CardActions } from '../canvas/context';
import { CardContexts } from '../canvas/CardContexts';
import { centredAt, EDITOR_FLOW_PROPS, finishedMoves, freeSpot, nodeBox, roundPosition, syncFlowEdges, syncFlowNodes, type FlowEdge } from '../canvas/flow';
import { ContextMenu, type MenuItem } from '../canvas/ContextMenu';
import { useCanvasKeys } from '../canvas/useCanvasKeys';
import { isEditableTarget, isInsideMenu, isWidgetTarget } from '../canvas/keys';
import { zoomLevel } from '../canvas/zoom';
import { displayName } from '../canvas/card';
import { HistoryButtons } from '../history/HistoryButtons';
import { useHistory } from '../history/useHistory';
import { useTheme } from '../theme/useTheme';
import { randomUuid } from '../clipboard/payload';
import { describeError } from '../hooks/useHub';
import {
  addInner,
  compositeIdOf,
  compositeNameProblem,
  connectInner,
  disconnectInner,
  exposePort,
  insideGraph,
  isCompositeType,
  moveInner,
  portCandidates,
  portTags,
  removeInner,
  renameComposite,
  renameInner,
  setInnerInput,
} from './model';
import { PromptDialog } from '../ui/PromptDialog';
import { exportComposite } from './exportComposite';
import { PortsPanel } from './PortsPanel';
import { CompositeIcon } from './CompositeIcon';
import { useInside, type Inside } from './useInside';
import { levelLabel, openLevel, resolvePath, toDepth, upLevel, type InsidePath } from './path';
import './composites.css';

/** What the workspace can ask of an open inside (the library adds nodes into it). */
export interface InsideApi {
  addNode(nodeId: string): void;
}

export interface InsideViewProps {
  worker: WorkerConn;
  /** The composite nodes opened, outermost first: the inside of the last one is shown. */
  path: InsidePath;
  /** Go to another level: a shorter path (empty: back to the workflow), or one composite more. */
  onNavigate(path: string[]): void;
  onReady?(api: InsideApi | null): void;
}

/** Edits that come in bursts (drags, sliders, typing) go out this long after the last one. */
export const EDIT_DELAY_MS = 250;

const nodeTypes: NodeTypes = { nodeweave: NodeCard };
const FIT_OPTIONS = { padding: 0.2, maxZoom: 1 } as const;

export function InsideView(props: InsideViewProps) {
  return (
    <ReactFlowProvider>
      <InsideFrame {...props} />
    </ReactFlowProvider>
  );
}

function InsideFrame({ worker, path, onNavigate, onReady }: InsideViewProps) {
  const toast = useToast();
  const navigateRef = useRef(onNavigate);
  navigateRef.current = onNavigate;
  const levels = useMemo(() => resolvePath(path, worker.graph.nodes, worker.graph.composites), [path, worker.graph.nodes, worker.graph.composites]);
  const levelsRef = useRef(levels);
  levelsRef.current = levels;
  // what the fetches read when they answer: the workflow's nodes and definitions then
  const workerRef = useRef(worker);
  workerRef.current = worker;
  const goTo = useCallback((depth: number) => navigateRef.current(toDepth(path, depth)), [path]);
  const goUp = useCallback(() => navigateRef.current(upLevel(path)), [path]);
  const goAllBack = useCallback(() => navigateRef.current([]), []);
  const open = useCallback(
    (uuid: string) => {
      const next = openLevel(path, uuid);
      if (next) navigateRef.current(next);
    },
    [path],
  );
  const inside = useInside({
    client: worker.client,
    connection: worker.state,
    path,
    levels: () => resolvePath(path, workerRef.current.graph.nodes, workerRef.current.graph.composites),
    composites: () => workerRef.current.graph.composites,
    onError: (m) => toast.push(m, 'error'),
    onGone: (why, depth) => {
      const to = levelsRef.current[depth - 1];
      toast.push(`Back to ${to ? levelLabel(to) : 'the workflow'}: ${why}`, 'info');
      goTo(depth);
    },
  });
  const uuid = path[path.length - 1] ?? '';
  const here = levels[levels.length - 1];
  const above = levels.slice(0, -1);
  const parent = above[above.length - 1];
  const def = inside.definition;
  const specs = useMemo(() => specsById(parseShelves(worker.library?.shelves)), [worker.library]);
  const graph = useMemo(() => (def ? insideGraph(def, inside.state, specs) : null), [def, inside.state, specs]);

  // Escape goes back (unless a field, a menu or a dialog takes it)
  const menuOpen = useRef(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || menuOpen.current) return;
      if (isEditableTarget(e.target) || isInsideMenu(e.target) || document.querySelector('[aria-modal="true"]')) return;
      e.preventDefault();
      goUp();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [goUp]);

  const name = def?.name ?? here?.name ?? 'Composite';
  const [renaming, setRenaming] = useState(false);
  // the instance's own name when the user gave it one, else the composite's
  const own = here?.own ?? name;
  const refuse = useCallback((m: string) => toast.push(m, 'error'), [toast]);
  const parentName = parent ? levelLabel(parent) : 'the workflow';

  return (
    <div className="nw-inside" data-testid="inside-view" data-uuid={uuid} data-depth={path.length} data-composite-id={inside.id ?? undefined}>
      <nav className="nw-breadcrumb" aria-label="Breadcrumb" data-testid="breadcrumb">
        <ol>
          <li>
            <button
              type="button"
              className="nw-crumb"
              data-testid="breadcrumb-root"
              title={above.length ? 'Back to the workflow' : 'Back to the workflow (Esc)'}
              onClick={goAllBack}
            >
              Workflow
            </button>
          </li>
          {above.map((level) => (
            <li key={level.uuid}>
              <button
                type="button"
                className="nw-crumb nw-crumb-level"
                data-testid="breadcrumb-level"
                data-depth={level.depth}
                data-uuid={level.uuid}
                title={`Back to ${levelLabel(level)}${level === parent ? ' (Esc)' : ''}`}
                onClick={() => goTo(level.depth)}
              >
                <CompositeIcon className="nw-crumb-icon" />
                <span className="nw-crumb-label">{levelLabel(level)}</span>
              </button>
            </li>
          ))}
          <li aria-current="page" className="nw-crumb-here" data-testid="breadcrumb-current">
            <CompositeIcon className="nw-crumb-icon" />
            {own}
            {own !== name && <span className="nw-crumb-type"> ({name})</span>}
          </li>
          {def && (
            <li className="nw-crumb-tools">
              <button type="button" className="nw-crumb-rename" data-testid="composite-rename" title="Rename the composite (its type: every instance, the library)" onClick={() => setRenaming(true)}>
                Rename…
              </button>
            </li>
          )}
        </ol>
        <span className="nw-crumb-note">Edits change the composite’s definition: every {name} node follows.</span>
        <button
          type="button"
          className="icon-button nw-crumb-close"
          data-testid="inside-close"
          aria-label="Back to the workflow"
          title={above.length ? `Back to the workflow (Esc: back to ${parentName})` : 'Back to the workflow (Esc)'}
          onClick={goAllBack}
        >
          ✕
        </button>
      </nav>
      <div className="nw-inside-body">
        {def && graph ? (
          <>
            <InsideCanvas worker={worker} inside={inside} graph={graph} specs={specs} onReady={onReady} onRefused={refuse} onOpen={open} menuOpen={menuOpen} />
            <PortsPanel def={def} specs={specs} nodes={graph.nodes} edit={(fn) => inside.edit(fn)} onRefused={refuse} />
            {!inside.state && (
              <div
                className="nw-inside-unrun"
                role="status"
                data-testid="inside-not-run"
                data-reached={inside.reached ? 'true' : 'false'}
                title={
                  inside.reached
                    ? 'This composite node has not run: its inner nodes show the definition’s values, without results'
                    : 'A composite this one sits inside has not run this far: the definition is shown, without results'
                }
              >
                Not run yet: values show once it has run.
              </div>
            )}
          </>
        ) : (
          <div className="nw-inside-loading" role="status">
            Opening {own}…
          </div>
        )}
      </div>
      {renaming && def && (
        <PromptDialog
          title="Rename the composite"
          label="Name"
          initial={def.name}
          confirmLabel="Rename"
          testId="composite-rename-dialog"
          validate={compositeNameProblem}
          onCancel={() => setRenaming(false)}
          onConfirm={(next) => {
            setRenaming(false);
            const refused = inside.edit((d) => renameComposite(d, next));
            if (refused) refuse(refused);
          }}
        >
          <p>Every {def.name} node takes the new name, and so does the library.</p>
        </PromptDialog>
      )}
    </div>
  );
}

interface InsideCanvasProps {
  worker: WorkerConn;
  inside: Inside;
  graph: ReturnType<typeof insideGraph>;
  specs: ReturnType<typeof specsById>;
  onReady: ((api: InsideApi | null) => void) | undefined;
  onRefused(message: string): void;
  /** Open an inner composite node (one level down). */
  onOpen(uuid: string): void;
  menuOpen: { current: boolean };
}

type MenuState = { kind: 'node' | 'edge'; id: string; x: number; y: number; bounds: { width: number; height: number } };

function InsideCanvas({ worker, inside, graph, specs, onReady, onRefused, onOpen, menuOpen }: InsideCanvasProps) {
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const wrapper = useRef<HTMLDivElement>(null);
  const insideRef = useRef(inside);
  insideRef.current = inside;
  const graphRef = useRef(graph);
  graphRef.current = graph;
  const def = inside.definition;
  const defRef = useRef(def);
  defRef.current = def;

  const edit = useCallback(
    (fn: Parameters<Inside['edit']>[0], delay = 0) => {
      const refused = insideRef.current.edit(fn, { delay });
      if (refused) onRefused(refused);
    },
    [onRefused],
  );

  // --- what the cards read: a worker connection whose graph is the inside -------------------
  const insideGraphState = useMemo<GraphState>(
    () => ({
      nodes: graph.nodes,
      order: graph.order,
      edges: graph.edges,
      progress: {},
      annotations: {},
      composites: worker.graph.composites,
      needsRefetch: false,
      loaded: true,
    }),
    [graph, worker.graph.composites],
  );
  const connRef = useRef<WorkerConn>(worker);
  connRef.current = {
    ...worker,
    graph: insideGraphState,
    // an inner value is the definition's: sent after a burst (a slider drag) settles
    setInput: (uuid, io, value) => edit((d) => setInnerInput(d, uuid, io, value), EDIT_DELAY_MS),
    inputBusy: () => insideRef.current.busy(),
  };
  const cardWorker = useMemo(() => stableWorker(() => connRef.current), []);
  const cardActions = useMemo<CardActions>(
    () => ({
      rename: (uuid, name) => {
        edit((d) => renameInner(d, uuid, name));
        return Promise.resolve();
      },
      setPaused: null,
      openComposite: onOpen,
      runs: false,
    }),
    [edit, onOpen],
  );
  const onNodeDoubleClick = useCallback(
    (e: ReactMouseEvent, node: FlowNode) => {
      if (isWidgetTarget(e.target)) return;
      const info = graphRef.current.nodes[node.id];
      if (info && isCompositeType(info.node_id)) onOpen(node.id);
    },
    [onOpen],
  );
  const nodeStore = useMemo(() => new NodeStore(), []);
  nodeStore.set(graph.nodes);
  useLayoutEffect(() => nodeStore.notify());
  const incoming = useMemo(() => new IncomingStore(), []);
  useLayoutEffect(() => incoming.update(graph.edges, graph.nodes), [incoming, graph.edges, graph.nodes]);
  const tags = useMemo(() => (def ? portTags(def) : new Map<string, string>()), [def]);
  const executors = useMemo(() => executorsOf(worker.library), [worker.library]);

  // --- nodes and edges ---------------------------------------------------------------------
  const nodesRef = useRef<FlowNode[]>([]);
  const [nodesTick, touchNodes] = useReducer((n: number) => n + 1, 0);
  const nodes = useMemo(() => {
    nodesRef.current = syncFlowNodes(nodesRef.current, { order: graph.order, nodes: graph.nodes, progress: {}, inspected: null });
    return nodesRef.current;
  }, [graph.order, graph.nodes, nodesTick]);
  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      const moves = finishedMoves(changes);
      nodesRef.current = applyNodeChanges(changes, nodesRef.current);
      if (moves.size > 0) edit((d) => moveInner(d, moves), EDIT_DELAY_MS);
      touchNodes();
    },
    [edit],
  );
  const edgesRef = useRef<FlowEdge[]>([]);
  const [edgesTick, touchEdges] = useReducer((n: number) => n + 1, 0);
  const edges = useMemo(() => {
    edgesRef.current = syncFlowEdges(edgesRef.current, { edges: graph.edges, nodes: graph.nodes });
    return edgesRef.current;
  }, [graph.edges, graph.nodes, edgesTick]);
  const onEdgesChange = useCallback((changes: EdgeChange<FlowEdge>[]) => {
    edgesRef.current = applyEdgeChanges(changes, edgesRef.current);
    touchEdges();
  }, []);

  const onConnect = useCallback(
    (c: Connection) => {
      if (!c.sourceHandle || !c.targetHandle) return;
      edit((d) => connectInner(d, { src: c.source, src_io: c.sourceHandle!, dst: c.target, dst_io: c.targetHandle! }, specs));
    },
    [edit, specs],
  );

  // --- add (the library, a drop) ---------------------------------------------------------------
  const addAt = useCallback(
    (nodeId: string, want: XY) => {
      const at = freeSpot(want, nodesRef.current.map(nodeBox));
      edit((d) => addInner(d, { uuid: randomUuid(), node_id: nodeId, inputs: {}, properties: { position: at } }));
    },
    [edit],
  );
  useEffect(() => {
    onReady?.({
      addNode(nodeId) {
        const box = wrapper.current?.getBoundingClientRect();
        const centre = box ? flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 }) : { x: 0, y: 0 };
        addAt(nodeId, centredAt(centre));
      },
    });
    return () => onReady?.(null);
  }, [onReady, addAt, flow]);
  const onDragOver = useCallback((e: ReactDragEvent) => {
    if (!e.dataTransfer.types.includes(NODE_DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);
  const onDrop = useCallback(
    (e: ReactDragEvent) => {
      const nodeId = e.dataTransfer.getData(NODE_DRAG_TYPE);
      if (!nodeId) return;
      e.preventDefault();
      addAt(nodeId, centredAt(roundPosition(flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }))));
    },
    [addAt, flow],
  );

  // --- delete, keys, history -------------------------------------------------------------------
  const deleteSelection = useCallback((): boolean => {
    const uuids = nodesRef.current.filter((n) => n.selected).map((n) => n.id);
    const gone = new Set(uuids);
    const wires: EdgeInfo[] = edgesRef.current
      .filter((e) => e.selected && !gone.has(e.source) && !gone.has(e.target))
      .flatMap((e) => (e.data ? [e.data.edge] : []));
    if (uuids.length === 0 && wires.length === 0) return false;
    edit((d) => disconnectInner(removeInner(d, uuids), wires));
    return true;
  }, [edit]);
  const history = useHistory(worker.client, worker.state);
  const historyRef = useRef(history);
  historyRef.current = history;
  const fail = useCallback((err: unknown) => onRefused(describeError(err)), [onRefused]);
  const undo = useCallback(() => {
    if (historyRef.current.info.canUndo) historyRef.current.undo().catch(fail);
  }, [fail]);
  const redo = useCallback(() => {
    if (historyRef.current.info.canRedo) historyRef.current.redo().catch(fail);
  }, [fail]);
  const [menu, setMenu] = useState<MenuState | null>(null);
  menuOpen.current = menu !== null;
  useCanvasKeys(wrapper, {
    undo,
    redo,
    selectAll: () => {
      nodesRef.current = nodesRef.current.map((n) => (n.selected ? n : { ...n, selected: true }));
      touchNodes();
    },
    deleteSelection,
    escape: () => {
      if (!menu) return false;
      setMenu(null);
      return true;
    },
  });

  // --- context menu: delete, expose a port, disconnect -------------------------------------------
  const openMenu = useCallback((kind: MenuState['kind'], id: string, e: ReactMouseEvent) => {
    e.preventDefault();
    const box = wrapper.current?.getBoundingClientRect();
    if (!box) return;
    setMenu({ kind, id, x: e.clientX - box.left, y: e.clientY - box.top, bounds: { width: box.width, height: box.height } });
  }, []);
  const closeMenu = useCallback(() => setMenu(null), []);
  const menuItems = useMemo((): { label: string; items: MenuItem[] } | null => {
    if (!menu || !def) return null;
    if (menu.kind === 'edge') {
      const e = graph.edges[menu.id];
      return {
        label: 'Inner wire',
        items: e ? [{ testId: 'menu-disconnect', label: 'Disconnect', danger: true, run: () => edit((d) => disconnectInner(d, [e])) }] : [],
      };
    }
    const info = graph.nodes[menu.id];
    const items: MenuItem[] = portCandidates(def, specs, new Map(Object.entries(graph.nodes)))
      .filter((c) => c.node === menu.id)
      .map((c) => ({
        testId: `menu-expose-${c.kind === 'inputs' ? 'in' : 'out'}-${c.io}`,
        label: `Expose ${c.kind === 'inputs' ? 'input' : 'output'} “${c.io}” as a port`,
        run: () => edit((d) => exposePort(d, c.kind, c.node, c.io, specs)),
      }));
    if (info && compositeIdOf(info.node_id)) items.unshift({ testId: 'menu-open-composite', label: 'Open', run: () => onOpen(menu.id) });
    items.push({ testId: 'menu-delete', label: 'Delete node', danger: true, run: () => edit((d) => removeInner(d, [menu.id])) });
    return { label: info ? `Inner node ${displayName(info)}` : 'Inner node', items };
  }, [menu, def, graph, specs, edit, onOpen]);
  useEffect(() => {
    if (menu && !(menu.kind === 'node' ? menu.id in graph.nodes : menu.id in graph.edges)) setMenu(null);
  }, [menu, graph]);

  // --- fit the inside into view once it is drawn ---------------------------------------------------
  const initialized = useNodesInitialized();
  const fitted = useRef(false);
  useEffect(() => {
    if (fitted.current || !initialized) return;
    fitted.current = true;
    void flow.fitView(FIT_OPTIONS);
  }, [initialized, flow]);

  const theme = useTheme();
  const zoom = useStore((s) => zoomLevel(s.transform[2]));
  const isValidConnection = useCallback((c: { source: string; target: string }) => c.source !== c.target, []);
  const empty = graph.order.length === 0;

  return (
    <div className="nw-canvas nw-inside-canvas" data-testid="inside-canvas" data-zoom={zoom} ref={wrapper} onDragOver={onDragOver} onDrop={onDrop}>
      <CardContexts worker={cardWorker} actions={cardActions} incoming={incoming} zoom={zoom} nodeStore={nodeStore} paused={worker.paused} executors={executors} ports={tags}>
        <ReactFlow<FlowNode, FlowEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          isValidConnection={isValidConnection}
          onPaneClick={closeMenu}
          onNodeContextMenu={(e, n) => openMenu('node', n.id, e)}
          onNodeDoubleClick={onNodeDoubleClick}
          onEdgeContextMenu={(e, ed) => openMenu('edge', ed.id, e)}
          onPaneContextMenu={(e) => e.preventDefault()}
          onMoveStart={closeMenu}
          onNodeDragStart={closeMenu}
          colorMode={theme}
          {...EDITOR_FLOW_PROPS}
          aria-label="Inside of the composite"
        >
          <Background variant={BackgroundVariant.Cross} gap={24} size={4} />
          <Controls showInteractive={false} />
          <Panel position="top-left" className="nw-toolbar" data-testid="inside-toolbar">
            <HistoryButtons info={history.info} onUndo={undo} onRedo={redo} />
            <div className="nw-toolbar-group" role="group" aria-label="Composite">
              <button
                type="button"
                className="nw-tool"
                data-testid="inside-export"
                title="Download this composite (and the composites it uses) as <id>.composite.json, to merge into another worker"
                disabled={!inside.id}
                onClick={() => inside.id && def && exportComposite(inside.id, { ...worker.graph.composites, [inside.id]: def }, onRefused)}
              >
                Export composite…
              </button>
            </div>
          </Panel>
        </ReactFlow>
      </CardContexts>
      {empty && (
        <div className="nw-empty-canvas nw-inside-empty" data-testid="inside-empty">
          <p className="nw-empty-title">Nothing inside</p>
          <p className="nw-empty-hint">Add nodes from the library (double-click or drag them here).</p>
        </div>
      )}
      {menu && menuItems && menuItems.items.length > 0 && (
        <ContextMenu x={menu.x} y={menu.y} bounds={menu.bounds} label={menuItems.label} items={menuItems.items} onClose={closeMenu} />
      )}
    </div>
  );
}
