// The graph canvas (React Flow): node cards, wires, and every edit of the graph.
//
// The canvas never edits the graph itself: it sends commands (add_node, connect, …) and the
// worker's events come back through the graph reducer, so every tab on one worker shows the
// same graph. Locally it keeps only what React Flow needs between events: measured sizes,
// selection, positions during a drag, and saved positions the worker has not echoed yet.
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { DragEvent as ReactDragEvent, MouseEvent as ReactMouseEvent, ReactNode } from 'react';
import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  useNodesInitialized,
  useReactFlow,
  useStore,
  type Connection,
  type EdgeChange,
  type OnConnectEnd,
  type IsValidConnection,
  type NodeChange,
  type NodeTypes,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { WorkerConn } from '../hooks/useWorker';
import { describeError } from '../hooks/useHub';
import { NODE_DRAG_TYPE } from '../library/LibraryPanel';
import { nodePosition, type FlowNode, type XY } from '../state/graph';
import { useToast } from '../ui/toast';
import { dropSpot, uploadAndAdd } from '../uploads/dropUpload';
import { EmptyCanvas } from './EmptyCanvas';
import { refusalMessage } from './refusal';
import { displayName } from './card';
import { stableWorker, type CardActions } from './context';
import { CardContexts } from './CardContexts';
import { executorsOf, streamsOf } from '../state/runs';
import { isPausedNode } from './card';
import { compositeIdOf, compositeNameProblem, isCompositeType } from '../composites/model';
import { exportComposite } from '../composites/exportComposite';
import { PromptDialog } from '../ui/PromptDialog';
import { NodeStore } from './nodeStore';
import { IncomingStore } from './incoming';
import { ContextMenu, type MenuItem } from './ContextMenu';
import {
  CARD_SIZE,
  centredAt,
  EDITOR_FLOW_PROPS,
  edgeInto,
  finishedMoves,
  freeSpot,
  nodeBox,
  roundPosition,
  samePosition,
  settledPins,
  syncFlowEdges,
  syncFlowNodes,
  type Box,
  type FlowEdge,
} from './flow';
import { isWidgetTarget } from './keys';
import { useCanvasKeys } from './useCanvasKeys';
import { deleteEdits, moveEdits, sendEdits, type Edit } from './edits';
import { HistoryButtons } from '../history/HistoryButtons';
import { useHistory } from '../history/useHistory';
import { NodeCard } from './NodeCard';
import { zoomLevel } from './zoom';
import { useTheme } from '../theme/useTheme';
import { CanvasTools } from './CanvasTools';
import { arrange } from '../arrange/arrange';
import { useWorkflowFile } from '../workflow/useWorkflowFile';
import { isJsonFile } from '../workflow/workflowFile';
import { deselectAll, selectArrived } from './selection';
import { useClipboardActions } from '../clipboard/useClipboardActions';
import { usePalette } from '../palette/usePalette';
import { AnnotationLayer } from '../annotations/AnnotationLayer';
import { useAnnotations } from '../annotations/useAnnotations';
import { groupEditsAfterMove, withGroupJoins } from './groupMembership';
import { randomUuid } from '../clipboard/payload';
import { annotationBox, NOTE_SIZE } from '../annotations/model';
import { isEmptyCanvasAt, isFreeCanvasAt, looseWire } from '../palette/looseWire';
import './canvas.css';

/** What the workspace can ask of the canvas. */
export interface CanvasApi {
  /** Add a node of this type at the centre of the view. */
  addNode(nodeId: string): void;
  fitView(): void;
  /** The uuids of the selected nodes. */
  selection(): string[];
}

export interface CanvasProps {
  worker: WorkerConn;
  /** The node shown in the inspector. */
  selected: string | null;
  onSelect(uuid: string | null): void;
  /** Called once mounted with the canvas's API. */
  onReady(api: CanvasApi): void;
  /** More buttons for the canvas toolbar (after undo / redo). */
  tools?: ReactNode;
  /** The file in the worker's modules/ that provides a node type, if any. */
  moduleFileOf?: (nodeId: string) => string | null;
  /** Open a module file in the editor. */
  onOpenModuleFile?: (file: string) => void;
  /** Open a composite node's inside (over the canvas). */
  onOpenComposite?: (uuid: string) => void;
  /** Merge a workflow document into the graph (an exported composite dropped or picked). */
  onMergeDocument?: (doc: Record<string, unknown>, fileName: string) => void;
  /** Something covers the canvas (a composite's inside): its keys and controls rest. */
  inactive?: boolean;
}

const nodeTypes: NodeTypes = { nodeweave: NodeCard };
const FIT_OPTIONS = { padding: 0.15, maxZoom: 1 } as const;

type MenuState = {
  kind: 'node' | 'edge' | 'pane';
  id: string;
  x: number;
  y: number;
  bounds: { width: number; height: number };
};

export function Canvas(props: CanvasProps) {
  return (
    <ReactFlowProvider>
      <CanvasView {...props} />
    </ReactFlowProvider>
  );
}

function CanvasView({ worker, selected, onSelect, onReady, tools, moduleFileOf, onOpenModuleFile, onOpenComposite, onMergeDocument, inactive = false }: CanvasProps) {
  const toast = useToast();
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const wrapper = useRef<HTMLDivElement>(null);
  const { graph } = worker;

  // Cards read the connection through a stable object: a new WorkerConn per event must not
  // re-render 200 cards.
  const workerRef = useRef(worker);
  useLayoutEffect(() => {
    workerRef.current = worker;
  });
  const cardWorker = useMemo(() => stableWorker(() => workerRef.current), []);
  const client = worker.client;

  const fail = useCallback((err: unknown) => toast.push(describeError(err), 'error'), [toast]);

  // --- nodes: the graph merged into React Flow's local state -----------------------------
  const pins = useRef(new Map<string, XY>());
  const nodesRef = useRef<FlowNode[]>([]);
  const selectOnArrival = useRef(new Set<string>());
  const [nodesTick, touchNodes] = useReducer((n: number) => n + 1, 0);
  const nodeStore = useMemo(() => new NodeStore(), []);
  // the cards' live NodeInfo: taken now, so cards rendered in this pass read it; the others
  // are told once this render is committed
  nodeStore.set(graph.nodes);
  useLayoutEffect(() => nodeStore.notify());
  const nodes = useMemo(() => {
    for (const uuid of settledPins(pins.current, graph.nodes)) pins.current.delete(uuid);
    nodesRef.current = syncFlowNodes(
      nodesRef.current,
      { order: graph.order, nodes: graph.nodes, progress: graph.progress, inspected: selected },
      pins.current,
    );
    nodesRef.current = selectArrived(nodesRef.current, selectOnArrival.current);
    return nodesRef.current;
    // nodesTick: React Flow changed the local nodes (drag, measure, select)
  }, [graph.order, graph.nodes, graph.progress, selected, nodesTick]);

  const savePositions = useCallback(
    (moves: Map<string, XY>) => {
      const known = workerRef.current.graph.nodes;
      const changed = new Map<string, XY>();
      for (const [uuid, position] of moves) {
        const info = known[uuid];
        if (!info) continue;
        const saved = nodePosition(info);
        if (saved && samePosition(saved, position)) continue;
        pins.current.set(uuid, position);
        changed.set(uuid, position);
      }
      // nodes dragged together are moved back together, and the groups they left or entered
      // follow: one step of the history
      const { label, edits: moveSteps } = moveEdits(changed);
      const edits = [...moveSteps, ...groupEditsAfterMove(nodesRef.current, workerRef.current.graph.annotations, changed)];
      sendEdits(client, label, edits).catch((err: unknown) => {
        for (const [uuid, position] of changed) {
          if (pins.current.get(uuid) === position) pins.current.delete(uuid);
        }
        touchNodes();
        fail(err);
      });
    },
    [client, fail],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      const moves = finishedMoves(changes);
      nodesRef.current = applyNodeChanges(changes, nodesRef.current);
      if (moves.size > 0) savePositions(moves);
      touchNodes();
    },
    [savePositions],
  );

  // --- edges --------------------------------------------------------------------------------
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

  // what flows into driven inputs: rows subscribe to their own input
  const incoming = useMemo(() => new IncomingStore(), []);
  useLayoutEffect(() => incoming.update(graph.edges, graph.nodes), [incoming, graph.edges, graph.nodes]);

  // --- connect ------------------------------------------------------------------------------
  const onConnect = useCallback(
    (c: Connection) => {
      if (!c.sourceHandle || !c.targetHandle) return;
      const driving = edgeInto(workerRef.current.graph.edges, c.target, c.targetHandle);
      if (driving && driving.src === c.source && driving.src_io === c.sourceHandle) return;
      client
        .call('connect', {
          src: c.source,
          src_io: c.sourceHandle,
          dst: c.target,
          dst_io: c.targetHandle,
          // the user's new wire wins over the one that drives the input now
          ...(driving ? { replace: true } : {}),
        })
        .catch((err: unknown) => toast.push(refusalMessage(err, workerRef.current.graph.nodes), 'error'));
    },
    [client, toast],
  );
  // output→output is ruled out by React Flow; the worker judges types and cycles (with a reason)
  const isValidConnection = useCallback<IsValidConnection<FlowEdge>>((c) => c.source !== c.target, []);

  // --- add ----------------------------------------------------------------------------------
  const pendingAdds = useRef<Box[]>([]);
  const addAt = useCallback(
    (nodeId: string, position: XY) => {
      // a spot taken until the node arrives, so quick double-clicks do not stack cards
      const box: Box = { ...position, ...CARD_SIZE };
      pendingAdds.current.push(box);
      // added onto a group's frame: the node joins the group in the same step
      const add: Edit = { cmd: 'add_node', kwargs: { node_id: nodeId, uuid: randomUuid(), properties: { position } } };
      const edits = withGroupJoins(workerRef.current.graph.annotations, [add]);
      const sent =
        edits.length > 1
          ? sendEdits(client, `add ${nodeId}`, edits)
          : client.call('add_node', { node_id: nodeId, properties: { position } });
      sent
        .catch(fail)
        .finally(() => {
          pendingAdds.current = pendingAdds.current.filter((b) => b !== box);
        });
    },
    [client, fail],
  );

  /** The nearest spot to `want` where a new card covers no other. */
  const place = useCallback((want: XY) => freeSpot(want, [...nodesRef.current.map(nodeBox), ...pendingAdds.current]), []);

  const api = useMemo<CanvasApi>(
    () => ({
      addNode(nodeId) {
        const box = wrapper.current?.getBoundingClientRect();
        const centre = box
          ? flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 })
          : { x: 0, y: 0 };
        addAt(nodeId, place(centredAt(centre)));
      },
      fitView() {
        void flow.fitView({ ...FIT_OPTIONS, duration: 250 });
      },
      selection() {
        return nodesRef.current.filter((n) => n.selected).map((n) => n.id);
      },
    }),
    [flow, addAt, place],
  );
  const announced = useRef(false);
  useEffect(() => {
    if (announced.current) return;
    announced.current = true;
    onReady(api);
  }, [api, onReady]);

  // --- export / import of the workflow ---------------------------------------------------------
  const workflowFile = useWorkflowFile({
    client,
    workerName: () => workerRef.current.hello?.worker_id ?? 'workflow',
    nodeCount: () => workerRef.current.graph.order.length,
    fail,
    notify: (message) => toast.push(message, 'info'),
    ...(onMergeDocument ? { merge: onMergeDocument } : {}),
  });

  const onDragOver = useCallback((e: ReactDragEvent) => {
    const types = e.dataTransfer.types;
    if (!types.includes(NODE_DRAG_TYPE) && !types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);
  const onDrop = useCallback(
    (e: ReactDragEvent) => {
      const at = roundPosition(flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
      const nodeId = e.dataTransfer.getData(NODE_DRAG_TYPE);
      if (nodeId) {
        e.preventDefault();
        addAt(nodeId, place(centredAt(at))); // under the pointer, off other cards
        return;
      }
      // files from the desktop: upload each, then add its reader node where it was dropped
      const files = [...e.dataTransfer.files];
      if (files.length === 0) return;
      e.preventDefault();
      const deps = {
        http: workerRef.current.http,
        addNode: (args: { node_id: string; properties: { position: XY }; inputs: { path: string } }) => client.call('add_node', args),
        toast,
      };
      const upload = (file: File, i: number) => void uploadAndAdd(file, dropSpot(at, i), deps);
      const [only] = files;
      if (files.length === 1 && only && isJsonFile(only)) {
        // a workflow document is imported; any other JSON is a data file
        void workflowFile.importFile(only).then((imported) => {
          if (!imported) upload(only, 0);
        }, fail);
        return;
      }
      files.forEach(upload);
    },
    [flow, addAt, place, client, toast, workflowFile, fail],
  );

  // --- fit the first graph into view (and the example's, once it arrives) -------------------
  const initialized = useNodesInitialized();
  const fitDone = useRef(false);
  const [fitWanted, setFitWanted] = useState(false);
  useEffect(() => {
    if (!graph.loaded) return;
    if (fitWanted) {
      if (graph.order.length === 0 || graph.needsRefetch || !initialized) return;
      setFitWanted(false);
      fitDone.current = true;
      void flow.fitView({ ...FIT_OPTIONS, duration: 250 });
      return;
    }
    if (fitDone.current) return;
    if (graph.order.length === 0) {
      fitDone.current = true; // an empty graph: keep the view where it is as nodes arrive
      return;
    }
    if (!initialized) return;
    fitDone.current = true;
    void flow.fitView(FIT_OPTIONS);
  }, [graph.loaded, graph.order.length, graph.needsRefetch, initialized, flow, fitWanted]);

  const [opening, setOpening] = useState(false);
  const openExample = useCallback(() => {
    setOpening(true);
    client.call('open_example', { name: 'sales' }).then(
      () => {
        setOpening(false);
        setFitWanted(true);
      },
      (err: unknown) => {
        setOpening(false);
        fail(err);
      },
    );
  }, [client, fail]);

  // --- delete -------------------------------------------------------------------------------
  const removeNodes = useCallback(
    (uuids: Iterable<string>) => {
      for (const uuid of uuids) client.call('remove_node', { uuid }).catch(fail);
    },
    [client, fail],
  );
  const disconnect = useCallback(
    (edgeIds: Iterable<string>) => {
      for (const id of edgeIds) {
        const e = workerRef.current.graph.edges[id];
        if (e) client.call('disconnect', { src: e.src, src_io: e.src_io, dst: e.dst, dst_io: e.dst_io }).catch(fail);
      }
    },
    [client, fail],
  );
  const deleteSelection = useCallback((): boolean => {
    const uuids = nodesRef.current.filter((n) => n.selected).map((n) => n.id);
    const gone = new Set(uuids);
    // a removed node takes its edges along
    const known = workerRef.current.graph.edges;
    const edges = edgesRef.current
      .filter((e) => e.selected && !gone.has(e.source) && !gone.has(e.target))
      .flatMap((e) => known[e.id] ?? []);
    // the whole selection is one step of the history: one undo brings it all back
    const { label, edits } = deleteEdits(uuids, edges);
    sendEdits(client, label, edits).catch(fail);
    return edits.length > 0;
  }, [client, fail]);

  const selectAll = useCallback(() => {
    nodesRef.current = nodesRef.current.map((n) => (n.selected ? n : { ...n, selected: true }));
    touchNodes();
  }, []);

  // --- clipboard: copy / cut / paste / duplicate ---------------------------------------------
  const pointer = useRef<{ x: number; y: number } | null>(null);
  const onPointerMove = useCallback((e: ReactMouseEvent) => {
    pointer.current = { x: e.clientX, y: e.clientY };
  }, []);
  const viewPoint = useCallback((): XY => {
    const box = wrapper.current?.getBoundingClientRect();
    if (!box) return { x: 0, y: 0 };
    const p = pointer.current;
    const inside = p && p.x >= box.left && p.x <= box.right && p.y >= box.top && p.y <= box.bottom;
    return roundPosition(flow.screenToFlowPosition(inside ? p : { x: box.left + box.width / 2, y: box.top + box.height / 2 }));
  }, [flow]);
  const clip = useClipboardActions({
    client,
    graph: () => workerRef.current.graph,
    selection: () => nodesRef.current.filter((n) => n.selected).map((n) => n.id),
    pastePoint: viewPoint,
    selectWhenArrived: (uuids) => {
      selectOnArrival.current = new Set(uuids);
      nodesRef.current = deselectAll(nodesRef.current);
      touchNodes();
    },
    fail,
    notify: (message) => toast.push(message, 'info'),
  });
  // --- search palette at the cursor --------------------------------------------------------
  const toFlow = useCallback((p: XY) => flow.screenToFlowPosition(p), [flow]);
  const joinGroups = useCallback((edits: readonly Edit[]) => withGroupJoins(workerRef.current.graph.annotations, edits), []);
  const palette = usePalette({ wrapper, library: worker.library, client, toFlow, addAt, place, fail, joinGroups });
  const onDoubleClick = useCallback(
    (e: ReactMouseEvent) => {
      if (isEmptyCanvasAt(e.target)) palette.open({ x: e.clientX, y: e.clientY });
    },
    [palette],
  );
  const onConnectEnd = useCallback<OnConnectEnd>(
    (e, state) => {
      // a wire dropped on nothing: pick a node for it
      const wire = looseWire(state, workerRef.current.graph.nodes);
      const point = 'changedTouches' in e ? e.changedTouches[0] : e;
      if (wire && point && isFreeCanvasAt(document.elementFromPoint(point.clientX, point.clientY))) {
        palette.open({ x: point.clientX, y: point.clientY }, wire);
      }
    },
    [palette],
  );
  const openPaletteAtPointer = useCallback((): boolean => {
    const p = pointer.current;
    if (!p || !isEmptyCanvasAt(document.elementFromPoint(p.x, p.y))) return false;
    palette.open(p);
    return true;
  }, [palette]);

  // --- groups and notes ------------------------------------------------------------------------
  const annotations = useAnnotations({
    client,
    graph: () => workerRef.current.graph,
    selection: () => nodesRef.current.filter((n) => n.selected).map((n) => ({ uuid: n.id, box: nodeBox(n) })),
    pinNodes: (positions, uuids) => {
      for (const u of uuids) {
        const p = positions?.get(u);
        if (p) pins.current.set(u, p);
        else pins.current.delete(u);
      }
      touchNodes();
    },
    centre: () => {
      const box = wrapper.current?.getBoundingClientRect();
      const c = box ? flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 }) : { x: 0, y: 0 };
      // beside the cards and the other notes, not over them
      const notes = Object.values(workerRef.current.graph.annotations).filter((a) => a.kind === 'note').map(annotationBox);
      const taken = [...nodesRef.current.map(nodeBox), ...pendingAdds.current, ...notes];
      return freeSpot({ x: c.x - NOTE_SIZE.width / 2, y: c.y - NOTE_SIZE.height / 2 }, taken, NOTE_SIZE);
    },
    fail,
  });
  const annotationList = useMemo(() => Object.values(graph.annotations), [graph.annotations]);

  // --- arrange: the selection, or the whole graph, left to right (one step) -------------------
  const arrangeNodes = useCallback(() => {
    const selected = nodesRef.current.filter((n) => n.selected);
    const chosen = selected.length > 1 ? selected : nodesRef.current;
    const boxes = new Map(chosen.map((n) => [n.id, nodeBox(n)]));
    const edges = Object.values(workerRef.current.graph.edges).map((e) => ({ source: e.src, target: e.dst }));
    arrange(boxes, edges)
      .then(({ label, edits }) => sendEdits(client, label, edits))
      .catch(fail);
  }, [client, fail]);

  // --- pause / resume: the nodes' `paused` property (one step) ---------------------------------
  const setPaused = useCallback(
    (uuids: readonly string[], paused: boolean) => {
      const edits = uuids.map((uuid): Edit => ({ cmd: 'update_node', kwargs: { uuid, properties: { paused }, merge: true } }));
      const what = uuids.length === 1 ? displayName(workerRef.current.graph.nodes[uuids[0]!] ?? { name: 'node', properties: {} }) : `${uuids.length} nodes`;
      sendEdits(client, `${paused ? 'pause' : 'resume'} ${what}`, edits).catch(fail);
    },
    [client, fail],
  );

  // --- composites: make one of the selection, expand one, export one ----------------------------
  const [naming, setNaming] = useState<string[] | null>(null);
  const askMakeComposite = useCallback((uuids: readonly string[]): boolean => {
    const known = uuids.filter((u) => u in workerRef.current.graph.nodes);
    if (known.length === 0) return false;
    setNaming(known);
    return true;
  }, []);
  const makeComposite = useCallback(
    (uuids: readonly string[], name: string) => {
      const [first, ...rest] = uuids;
      if (first === undefined) return;
      client.call('make_composite', { nodes: [first, ...rest], name }).then(
        (r) => {
          // the composite node is selected (and nothing else) once it arrives
          selectOnArrival.current = new Set([r.uuid]);
          nodesRef.current = deselectAll(nodesRef.current);
          touchNodes();
          toast.push(`Made the composite “${r.composite.name}” of ${uuids.length} node${uuids.length === 1 ? '' : 's'} (double-click it to open it)`, 'success');
        },
        fail,
      );
    },
    [client, toast, fail],
  );
  const expandComposite = useCallback(
    (uuid: string) => {
      client.call('expand_composite', { uuid }).then((r) => {
        selectOnArrival.current = new Set(Object.values(r.nodes));
        nodesRef.current = deselectAll(nodesRef.current);
        touchNodes();
      }, fail);
    },
    [client, fail],
  );
  const cardActions = useMemo<CardActions>(
    () => ({
      rename: (uuid, name) => client.call('update_node', { uuid, properties: { name }, merge: true }),
      setPaused: (uuid, paused) => setPaused([uuid], paused),
      openComposite: onOpenComposite ?? null,
      runs: true,
    }),
    [client, setPaused, onOpenComposite],
  );
  const onNodeDoubleClick = useCallback(
    (e: ReactMouseEvent, node: FlowNode) => {
      if (!onOpenComposite || isWidgetTarget(e.target)) return;
      const info = workerRef.current.graph.nodes[node.id];
      if (info && isCompositeType(info.node_id)) onOpenComposite(node.id);
    },
    [onOpenComposite],
  );

  /** The menu's node and, when it is part of the selection, the rest of the selection. */
  const menuTargets = useCallback((uuid: string): string[] => {
    const selected = nodesRef.current.filter((n) => n.selected).map((n) => n.id);
    return selected.includes(uuid) ? selected : [uuid];
  }, []);

  // --- history: the worker's, shared by every tab ------------------------------------------
  const history = useHistory(client, worker.state);
  const historyRef = useRef(history);
  historyRef.current = history;
  const undo = useCallback(() => {
    if (historyRef.current.info.canUndo) historyRef.current.undo().catch(fail);
  }, [fail]);
  const redo = useCallback(() => {
    if (historyRef.current.info.canRedo) historyRef.current.redo().catch(fail);
  }, [fail]);

  // --- context menu ---------------------------------------------------------------------------
  const [menu, setMenu] = useState<MenuState | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  const openMenu = useCallback((kind: MenuState['kind'], id: string, e: ReactMouseEvent) => {
    e.preventDefault();
    const box = wrapper.current?.getBoundingClientRect();
    if (!box) return;
    setMenu({ kind, id, x: e.clientX - box.left, y: e.clientY - box.top, bounds: { width: box.width, height: box.height } });
  }, []);
  const onNodeContextMenu = useCallback((e: ReactMouseEvent, node: FlowNode) => openMenu('node', node.id, e), [openMenu]);
  const onEdgeContextMenu = useCallback((e: ReactMouseEvent, edge: FlowEdge) => openMenu('edge', edge.id, e), [openMenu]);
  const onPaneContextMenu = useCallback(
    (e: ReactMouseEvent | MouseEvent) => {
      pointer.current = { x: e.clientX, y: e.clientY };
      openMenu('pane', '', e as ReactMouseEvent);
    },
    [openMenu],
  );

  const menuItems = useMemo((): { label: string; items: MenuItem[] } | null => {
    if (!menu) return null;
    if (menu.kind === 'node') {
      const info = graph.nodes[menu.id];
      const file = info && moduleFileOf ? moduleFileOf(info.node_id) : null;
      const items: MenuItem[] = [{ testId: 'menu-inspect', label: 'Inspect', run: () => onSelect(menu.id) }];
      if (file && onOpenModuleFile) {
        items.push({ testId: 'menu-open-module', label: `Open ${file}`, run: () => onOpenModuleFile(file) });
      }
      const targets = menuTargets(menu.id);
      const cid = info ? compositeIdOf(info.node_id) : null;
      if (cid && onOpenComposite) {
        items.unshift({ testId: 'menu-open-composite', label: 'Open', run: () => onOpenComposite(menu.id) });
      }
      items.push(
        { testId: 'menu-copy', label: 'Copy', run: () => clip.copy(targets) },
        { testId: 'menu-cut', label: 'Cut', run: () => clip.cut(targets) },
        { testId: 'menu-duplicate', label: 'Duplicate', run: () => clip.duplicate(targets) },
        { testId: 'menu-group', label: 'Group', run: () => annotations.groupSelection() },
      );
      // paused: the menu's node decides (a selection follows it)
      const held = info ? isPausedNode(info) : false;
      items.push({
        testId: 'menu-pause',
        label: `${held ? 'Resume' : 'Pause'}${targets.length > 1 ? ` ${targets.length} nodes` : ''}`,
        run: () => setPaused(targets, !held),
      });
      items.push({
        testId: 'menu-make-composite',
        label: targets.length > 1 ? `Make composite of ${targets.length} nodes…` : 'Make composite…',
        shortcut: 'Ctrl+G',
        run: () => askMakeComposite(targets),
      });
      if (cid) {
        items.push(
          { testId: 'menu-expand-composite', label: 'Expand (put the inside here)', run: () => expandComposite(menu.id) },
          {
            testId: 'menu-export-composite',
            label: 'Export composite…',
            run: () => exportComposite(cid, workerRef.current.graph.composites, (m) => toast.push(m, 'error')),
          },
        );
      }
      items.push({ testId: 'menu-delete', label: 'Delete node', danger: true, run: () => removeNodes([menu.id]) });
      return { label: info ? `Node ${displayName(info)}` : 'Node', items };
    }
    if (menu.kind === 'pane') {
      const at = viewPoint();
      const chosen = nodesRef.current.filter((n) => n.selected).map((n) => n.id);
      const items: MenuItem[] = [
        { testId: 'menu-paste', label: 'Paste', run: () => clip.paste(at) },
        { testId: 'menu-note', label: 'Add note', run: () => annotations.addNote(at) },
      ];
      if (chosen.length > 0) {
        items.push({
          testId: 'menu-make-composite',
          label: `Make composite of ${chosen.length} selected node${chosen.length === 1 ? '' : 's'}…`,
          shortcut: 'Ctrl+G',
          run: () => askMakeComposite(chosen),
        });
      }
      return { label: 'Canvas', items };
    }
    return {
      label: 'Edge',
      items: [{ testId: 'menu-disconnect', label: 'Disconnect', danger: true, run: () => disconnect([menu.id]) }],
    };
  }, [
    menu,
    graph.nodes,
    onSelect,
    removeNodes,
    disconnect,
    moduleFileOf,
    onOpenModuleFile,
    menuTargets,
    clip,
    viewPoint,
    annotations,
    setPaused,
    askMakeComposite,
    expandComposite,
    onOpenComposite,
    toast,
  ]);

  // what the menu points at vanished (here or in another tab): close it
  useEffect(() => {
    if (menu && menu.kind !== 'pane' && !(menu.kind === 'node' ? menu.id in graph.nodes : menu.id in graph.edges)) setMenu(null);
  }, [menu, graph.nodes, graph.edges]);

  // --- keyboard ---------------------------------------------------------------------------
  useCanvasKeys(wrapper, {
    undo,
    redo,
    selectAll,
    deleteSelection,
    copy: () => clip.copy(),
    cut: () => clip.cut(),
    paste: () => clip.paste(),
    duplicate: () => clip.duplicate(),
    openPalette: openPaletteAtPointer,
    makeComposite: () => askMakeComposite(nodesRef.current.filter((n) => n.selected).map((n) => n.id)),
    disabled: inactive || naming !== null,
    escape: () => {
      if (!menu) return false;
      setMenu(null);
      return true;
    },
  });

  // --- selection ----------------------------------------------------------------------------
  const onNodeClick = useCallback(
    (e: ReactMouseEvent, node: FlowNode) => {
      // a click on a card's widget edits the value; it does not open the inspector
      if (isWidgetTarget(e.target)) return;
      if (e.shiftKey || e.metaKey || e.ctrlKey) return; // growing a multi-selection
      onSelect(node.id);
    },
    [onSelect],
  );
  const onPaneClick = useCallback(() => {
    setMenu(null);
    onSelect(null);
  }, [onSelect]);

  const theme = useTheme();
  // re-renders the canvas (and the cards' rows) only when the level flips
  const zoom = useStore((s) => zoomLevel(s.transform[2]));
  // what the cards' headers and badges read besides their NodeInfo (both change rarely)
  const executors = useMemo(() => executorsOf(worker.library), [worker.library]);
  const streams = useMemo(() => streamsOf(worker.library), [worker.library]);
  const paused = worker.paused;
  const miniMapColor = useCallback((n: FlowNode) => `var(--nw-status-${n.data.info.status})`, []);

  return (
    // drops are taken by the whole area: the empty-canvas hint lies over the flow
    <div
      className="nw-canvas"
      data-testid="canvas"
      data-zoom={zoom}
      ref={wrapper}
      onDragOver={onDragOver}
      onDrop={onDrop}
      onPointerMove={onPointerMove}
      onDoubleClick={onDoubleClick}
      inert={inactive}
      aria-hidden={inactive || undefined}
    >
      <CardContexts worker={cardWorker} actions={cardActions} incoming={incoming} zoom={zoom} nodeStore={nodeStore} paused={paused} executors={executors} streams={streams}>
        <ReactFlow<FlowNode, FlowEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          onNodeClick={onNodeClick}
          onNodeDoubleClick={onNodeDoubleClick}
          onPaneClick={onPaneClick}
          onNodeContextMenu={onNodeContextMenu}
          onEdgeContextMenu={onEdgeContextMenu}
          onPaneContextMenu={onPaneContextMenu}
          onMoveStart={closeMenu}
          onNodeDragStart={closeMenu}
          colorMode={theme}
          {...EDITOR_FLOW_PROPS}
          aria-label="Graph canvas"
        >
          <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} />
          <AnnotationLayer annotations={annotationList} handlers={annotations} />
          <MiniMap<FlowNode> pannable zoomable nodeColor={miniMapColor} nodeStrokeWidth={0} ariaLabel="Minimap" />
          <Controls showInteractive={false} />
          <Panel position="top-left" className="nw-toolbar" data-testid="canvas-toolbar">
            <HistoryButtons info={history.info} onUndo={undo} onRedo={redo} />
            <CanvasTools onGroup={() => annotations.groupSelection()} onNote={() => annotations.addNote()} onArrange={arrangeNodes}>
              <button type="button" className="nw-tool" data-testid="tool-export" title="Download this worker's workflow as JSON" onClick={workflowFile.exportWorkflow}>
                Export
              </button>
              <button type="button" className="nw-tool" data-testid="tool-import" title="Replace the graph by a workflow file (.json)" onClick={workflowFile.pickFile}>
                Import
              </button>
            </CanvasTools>
            {tools}
          </Panel>
        </ReactFlow>
      </CardContexts>
      {graph.loaded && graph.order.length === 0 && <EmptyCanvas opening={opening} onOpenExample={openExample} />}
      {palette.element}
      {workflowFile.element}
      {menu && menuItems && (
        <ContextMenu x={menu.x} y={menu.y} bounds={menu.bounds} label={menuItems.label} items={menuItems.items} onClose={closeMenu} />
      )}
      {naming && (
        <PromptDialog
          title={`Make a composite of ${naming.length} node${naming.length === 1 ? '' : 's'}`}
          label="Name of the composite"
          initial="Composite"
          confirmLabel="Make composite"
          testId="make-composite-dialog"
          validate={compositeNameProblem}
          onCancel={() => setNaming(null)}
          onConfirm={(name) => {
            setNaming(null);
            makeComposite(naming, name);
          }}
        >
          <p>
            The nodes become one node of a new type on the library’s Composites shelf (one step: Undo takes it back). Its inputs are those fed from
            outside or left without a value; its outputs those read outside.
          </p>
        </PromptDialog>
      )}
    </div>
  );
}
