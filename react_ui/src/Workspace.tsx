// One open worker: its connection, the canvas, the inspector, and its library (rendered into
// the sidebar). Keyed by worker id, so switching workers starts from a clean state.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { Canvas, type CanvasApi } from './canvas/Canvas';
import type { HubConn } from './hooks/useHub';
import { describeError } from './hooks/useHub';
import { useWorker } from './hooks/useWorker';
import { Inspector } from './inspector/Inspector';
import { LibraryPanel } from './library/LibraryPanel';
import { failedModules, moduleFile } from './modules/events';
import { ModulePanel, type ModuleTarget } from './modules/ModulePanel';
import { PackagesPanel } from './packages/PackagesPanel';
import { useModules } from './modules/useModules';
import type { WorkerRecord } from './protocol/generated';
import { useToast } from './ui/toast';
import { SafeStartBanner } from './canvas/SafeStartBanner';
import { ClusterChip } from './canvas/ClusterChip';
import { useRunNotices } from './hooks/useRunNotices';
import { ExportBundleDialog } from './bundles/ExportBundle';
import { useMergeBundle } from './bundles/MergeBundle';
import { PresetsPanel } from './presets/PresetsPanel';
import { useMigrationToasts } from './presets/useMigrationToasts';
import { InsideView, type InsideApi } from './composites/InsideView';
import { compositeIdOf } from './composites/model';

export interface WorkspaceProps {
  hub: HubConn;
  record: WorkerRecord;
  token: string | null;
  librarySlot: HTMLElement | null;
  /** The worker's packages panel is open (it takes the place of the module editor). */
  packagesOpen?: boolean;
  onPackages?: (open: boolean) => void;
}

export function Workspace({ hub, record, token, librarySlot, packagesOpen = false, onPackages }: WorkspaceProps) {
  const worker = useWorker(record, token);
  const toast = useToast();
  const [selected, setSelected] = useState<string | null>(null);
  const canvasApi = useRef<CanvasApi | null>(null);
  const onReady = useCallback((api: CanvasApi) => {
    canvasApi.current = api;
  }, []);
  // a composite's inside, open over the canvas (the library adds nodes into it meanwhile): the
  // composite nodes opened, outermost first (a composite inside another opens one level more)
  const [insidePath, setInsidePath] = useState<string[]>([]);
  const inside = insidePath.length > 0 ? insidePath.join('/') : null;
  const insideApi = useRef<InsideApi | null>(null);
  const onInsideReady = useCallback((api: InsideApi | null) => {
    insideApi.current = api;
  }, []);
  // the inside takes the room: the inspector (of the composite node) closes
  const openInside = useCallback((uuid: string) => {
    setSelected(null);
    setInsidePath([uuid]);
  }, []);
  const insideOpen = useRef(false);
  insideOpen.current = inside !== null;
  const addNode = useCallback((nodeId: string) => {
    // while an inside is open (or still opening) nodes go there, never under it
    if (insideOpen.current) insideApi.current?.addNode(nodeId);
    else canvasApi.current?.addNode(nodeId);
  }, []);
  // the module editor, opened from the toolbar, a failed-import toast, the library or a node
  const [modulesOpen, setModulesOpen] = useState(false);
  const [presetsOpen, setPresetsOpen] = useState(false);
  const [moduleTarget, setModuleTarget] = useState<ModuleTarget | null>(null);
  const openModuleFile = useCallback(
    (file: string, line: number | null = null) => {
      setModulesOpen(true);
      setModuleTarget({ file, line });
      setPresetsOpen(false);
      onPackages?.(false);
    },
    [onPackages],
  );
  // one right-hand panel at a time: opening the packages closes the module editor
  useEffect(() => {
    if (packagesOpen) {
      setModulesOpen(false);
      setPresetsOpen(false);
    }
  }, [packagesOpen]);
  const [exportOpen, setExportOpen] = useState(false);
  const graphRef = useRef(worker.graph);
  graphRef.current = worker.graph;
  const merge = useMergeBundle({
    hub: hub.client,
    worker: worker.client,
    nodes: () => Object.values(graphRef.current.nodes),
    notify: (message, kind) => toast.push(message, kind),
  });
  const selection = useCallback(() => {
    const picked = canvasApi.current?.selection() ?? [];
    return picked.length > 0 ? picked : selected ? [selected] : [];
  }, [selected]);
  const closeModules = useCallback(() => {
    setModulesOpen(false);
    setModuleTarget(null);
  }, []);
  // module events as toasts; a module that failed to load is marked in the library
  const modules = useModules(worker.client, worker.state, { openFile: openModuleFile });
  const failed = useMemo(() => failedModules(modules), [modules]);
  const moduleFileOf = useCallback(
    (nodeId: string) => {
      const m = modules?.find((x) => x.origin === 'file' && x.node_ids.includes(nodeId));
      return m ? moduleFile(m) : null;
    },
    [modules],
  );
  const cluster = worker.cluster;
  const workerOpen = worker.state === 'open';
  const tools = useMemo(
    () => (
      <>
        <div className="nw-toolbar-group">
          <button
            type="button"
            className="nw-tool"
            data-testid="open-modules"
            aria-pressed={modulesOpen}
            title="Edit the worker’s node modules (modules/*.py)"
            onClick={() => {
              if (modulesOpen) {
                closeModules();
              } else {
                setModulesOpen(true);
                setPresetsOpen(false);
                onPackages?.(false);
              }
            }}
          >
            Modules
          </button>
          {onPackages && (
            <button
              type="button"
              className="nw-tool"
              data-testid="open-packages"
              aria-pressed={packagesOpen}
              title="The worker’s packages, environment variables and secrets"
              onClick={() => onPackages(!packagesOpen)}
            >
              Packages
            </button>
          )}
          <button
            type="button"
            className="nw-tool"
            data-testid="open-presets"
            aria-pressed={presetsOpen}
            title="Named input values of this workflow"
            onClick={() => {
              if (!presetsOpen) {
                closeModules();
                onPackages?.(false);
              }
              setPresetsOpen(!presetsOpen);
            }}
          >
            Presets
          </button>
        </div>
        <div className="nw-toolbar-group nw-bd-tools" role="group" aria-label="Bundles">
          <button
            type="button"
            className="nw-tool"
            data-testid="tool-export-bundle"
            title="Download the worker as a .nwflow bundle: saved graph, node modules, packages, settings (never secrets), chosen files"
            onClick={() => setExportOpen(true)}
          >
            Export bundle…
          </button>
          <button
            type="button"
            className="nw-tool"
            data-testid="tool-merge-bundle"
            title={
              workerOpen
                ? "Add a .nwflow bundle's nodes to this graph (its node modules are shown first), or a workflow .json's — an exported composite adds its composites to the library"
                : 'Start the worker to merge a bundle into it'
            }
            disabled={!workerOpen}
            onClick={merge.pickFile}
          >
            Merge…
          </button>
        </div>
        <ClusterChip cluster={cluster} />
      </>
    ),
    [modulesOpen, closeModules, cluster, packagesOpen, onPackages, presetsOpen, merge.pickFile, workerOpen],
  );

  useEffect(() => {
    if (worker.error) {
      toast.push(worker.error, 'error');
      worker.clearError();
    }
  }, [worker, toast]);

  // a sync node that blocked the worker's loop now runs in a thread: say so, and how to choose
  useRunNotices(worker.client);
  // nodes migrated on load, or rebound to a newer version: a toast each
  useMigrationToasts(worker.client);
  // the library's composites: a definition no node uses can be deleted
  const removeComposite = useCallback(
    (nodeId: string) => {
      const id = compositeIdOf(nodeId);
      if (!id) return;
      const name = worker.graph.composites[id]?.name ?? id;
      worker.client.call('remove_composite', { id }).then(
        () => toast.push(`Deleted the composite “${name}” (Undo brings it back)`, 'success'),
        (err: unknown) => toast.push(`Not deleted: ${describeError(err)}`, 'error'),
      );
    },
    [worker.client, worker.graph.composites, toast],
  );

  // A selected node that was removed (here or in another tab) is no longer selected.
  useEffect(() => {
    if (selected && worker.graph.loaded && !(selected in worker.graph.nodes)) setSelected(null);
  }, [selected, worker.graph]);

  const running = record.status === 'running';
  const loaded = worker.graph.loaded;
  // A worker that crashed is restarted by the hub: keep its graph on screen meanwhile.
  const restarting = record.status === 'starting' && loaded;
  const lost = (running || restarting) && worker.state !== 'open' && (loaded || worker.state !== 'idle');
  const live = running && worker.state === 'open';
  const showGraph = running || loaded;
  const libraryOff = live
    ? null
    : running
      ? 'Reconnecting to the worker — nodes can be added again once it is back.'
      : `“${record.name}” is ${record.status}: start it to add nodes.`;

  return (
    <div
      className="workspace"
      data-testid="worker-view"
      data-worker-id={record.id}
      data-state={worker.state}
      data-loaded={worker.graph.loaded && !worker.graph.needsRefetch ? 'true' : 'false'}
    >
      {!running && !restarting && (
        <div className="banner banner-info" data-testid="worker-not-running" data-status={record.status}>
          <span>
            “{record.name}” is {record.status}
            {record.error ? `: ${record.error}` : ''}.
          </span>
          {(record.status === 'stopped' || record.status === 'failed') && (
            <button
              type="button"
              className="button"
              onClick={() => hub.client.call('start_worker', { id: record.id }).catch((e: unknown) => toast.push(describeError(e), 'error'))}
            >
              Start
            </button>
          )}
          {record.status === 'failed' && (
            <button
              type="button"
              className="button"
              data-testid="worker-safe-start"
              title="Load the graph without running any node, to remove or fix the one that hangs"
              onClick={() =>
                hub.client.call('start_worker', { id: record.id, safe: true }).catch((e: unknown) => toast.push(describeError(e), 'error'))
              }
            >
              Safe start
            </button>
          )}
        </div>
      )}
      {lost && (
        <div className="banner banner-warn" role="status" data-testid="connection-banner">
          {restarting
            ? `Connection to the worker lost — the hub is restarting it${record.error ? ` (${record.error})` : ''}…`
            : 'Connection to the worker lost — reconnecting…'}
        </div>
      )}
      {live && worker.paused && <SafeStartBanner onRun={worker.resume} />}
      {worker.hello?.problems && worker.hello.problems.length > 0 && (
        <div className="banner banner-error" data-testid="worker-problems">
          {worker.hello.problems.map((p, i) => (
            <div key={i}>{p}</div>
          ))}
        </div>
      )}
      <div className="workspace-body">
        <div className={live ? 'canvas-area' : 'canvas-area offline'} aria-disabled={!live}>
          {showGraph && (
            <Canvas
              worker={worker}
              selected={selected}
              onSelect={setSelected}
              onReady={onReady}
              tools={tools}
              moduleFileOf={moduleFileOf}
              onOpenModuleFile={openModuleFile}
              onOpenComposite={openInside}
              onMergeDocument={merge.mergeDocument}
              inactive={inside !== null}
            />
          )}
          {showGraph && inside && <InsideView key={inside} worker={worker} path={insidePath} onNavigate={setInsidePath} onReady={onInsideReady} />}
        </div>
        {packagesOpen && onPackages && <PackagesPanel client={hub.client} worker={record} connected={hub.state === 'open'} onClose={() => onPackages(false)} />}
        {showGraph && !packagesOpen && !modulesOpen && presetsOpen && (
          <PresetsPanel client={worker.client} state={worker.state} nodes={worker.graph.nodes} selection={selection} onClose={() => setPresetsOpen(false)} />
        )}
        {showGraph && !packagesOpen && modulesOpen && <ModulePanel client={worker.client} state={worker.state} target={moduleTarget} modules={modules} onClose={closeModules} />}
        {showGraph && !packagesOpen && !modulesOpen && !presetsOpen && selected && <Inspector worker={worker} uuid={selected} onClose={() => setSelected(null)} />}
      </div>
      {merge.element}
      {exportOpen && (
        <ExportBundleDialog
          client={hub.client}
          id={record.id}
          name={record.name}
          onClose={() => setExportOpen(false)}
          onDone={(message) => toast.push(message, 'success')}
        />
      )}
      {librarySlot && showGraph && createPortal(
          <LibraryPanel
            library={worker.library}
            onAdd={addNode}
            failed={failed}
            onOpenModule={openModuleFile}
            disabledReason={libraryOff}
            onRemoveComposite={removeComposite}
          />,
          librarySlot,
        )}
    </div>
  );
}
