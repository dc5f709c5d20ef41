// The workers panel: the hub's workers with live status (from events, never polled), and the
// commands to create, start, stop, restart, delete them and read their logs; FuncNodes workflows
// (an uploaded export, or a FuncNodes worker found on this machine) imported as new workers.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { HubConn } from '../hooks/useHub';
import { describeError } from '../hooks/useHub';
import { RpcError } from '../protocol/client';
import type { CreateWorkerArgs, WorkerRecord } from '../protocol/generated';
import { workerList } from '../state/workers';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { useToast } from '../ui/toast';
import { CreateWorkerForm } from './CreateWorkerForm';
import { FuncNodesFound, ImportFuncNodesForm, ImportSummary } from './ImportFuncNodes';
import { pendingKey, type WorkerAction } from './status';
import { useFuncNodesImport } from './useFuncNodesImport';
import { WorkerRow } from './WorkerRow';
import { ImportBundle } from '../bundles/ImportBundle';
import './workers.css';

export interface WorkersPanelProps {
  hub: HubConn;
  /** The worker open in the workspace. */
  selectedId: string | null;
  /** Open a worker in the workspace (null closes it). */
  onOpen(id: string | null): void;
  /** Open a worker's packages and settings panel (the row's button; none without it). */
  onPackages?: (id: string) => void;
  /** The worker whose packages panel is open. */
  packagesId?: string | null;
}

export function WorkersPanel({ hub, selectedId, onOpen, onPackages, packagesId = null }: WorkersPanelProps) {
  const { client, workers: state } = hub;
  const toast = useToast();
  const workers = useMemo(() => workerList(state), [state]);
  const connected = hub.state === 'open';

  // Commands in flight, per worker and action (a button is disabled while its command runs).
  const [pending, setPending] = useState<ReadonlySet<string>>(() => new Set());
  const inFlight = useRef(new Set<string>());
  const run = useCallback(
    async (id: string, action: WorkerAction, command: () => Promise<unknown>): Promise<boolean> => {
      const key = pendingKey(id, action);
      if (inFlight.current.has(key)) return false;
      inFlight.current.add(key);
      setPending(new Set(inFlight.current));
      try {
        await command();
        return true;
      } catch (err) {
        toast.push(describeError(err), 'error');
        return false;
      } finally {
        inFlight.current.delete(key);
        setPending(new Set(inFlight.current));
      }
    },
    [toast],
  );
  const isPending = useCallback((id: string, action: WorkerAction) => pending.has(pendingKey(id, action)), [pending]);

  const onAction = useCallback(
    (worker: WorkerRecord, action: 'start' | 'safe-start' | 'stop' | 'restart') => {
      const id = worker.id;
      void run(id, action, () => {
        switch (action) {
          case 'start':
            return client.call('start_worker', { id });
          case 'safe-start':
            return client.call('start_worker', { id, safe: true });
          case 'stop':
            return client.call('stop_worker', { id });
          case 'restart':
            return client.call('restart_worker', { id });
        }
      });
    },
    [client, run],
  );

  // The open worker as of now (a delete finishes later; the user may have moved on).
  const selectedRef = useRef(selectedId);
  useEffect(() => {
    selectedRef.current = selectedId;
  }, [selectedId]);

  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const toDelete = confirmDelete ? (state.byId[confirmDelete] ?? null) : null;
  const deleteNow = useCallback(
    async (id: string) => {
      setConfirmDelete(null);
      const ok = await run(id, 'delete', () => client.call('delete_worker', { id }));
      if (ok && selectedRef.current === id) onOpen(null);
    },
    [client, run, onOpen],
  );

  // Creating: the worker is registered, opened and started, so the user lands in a running
  // workspace.
  const [formOpen, setFormOpen] = useState(false);
  const [createPending, setCreatePending] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);
  const closeForm = useCallback(() => {
    setFormOpen(false);
    setCreateError(null);
  }, []);

  const create = useCallback(
    async (name: string, requirements: string[]) => {
      const args: CreateWorkerArgs = requirements.length > 0 ? { name, requirements } : { name };
      setCreatePending(true);
      setCreateError(null);
      let record: WorkerRecord;
      try {
        record = await client.call('create_worker', args);
      } catch (err) {
        setCreatePending(false);
        if (err instanceof RpcError && err.code === 'environment_failed') {
          // The worker is registered; its row shows the installer's output and offers Start.
          closeForm();
          toast.push(describeError(err), 'error');
        } else {
          setCreateError(describeError(err));
        }
        return;
      }
      setCreatePending(false);
      closeForm();
      onOpen(record.id);
      if (record.status === 'stopped' || record.status === 'failed') {
        void run(record.id, 'start', () => client.call('start_worker', { id: record.id }));
      }
    },
    [client, closeForm, onOpen, run, toast],
  );

  // Importing a FuncNodes workflow: the new worker (stopped) is summed up, with a way to open it.
  const fn = useFuncNodesImport(client, connected);
  const { setFileError, importFile: importFromFile, dismiss: dismissImport } = fn;
  const [importOpen, setImportOpen] = useState(false);
  // Importing a bundle (.nwflow): read first, its modules shown, then a new worker.
  const [bundleOpen, setBundleOpen] = useState(false);
  const [bundleKey, setBundleKey] = useState(0);
  const importFilePending = fn.pending?.kind === 'file';
  const closeImport = useCallback(() => {
    setImportOpen(false);
    setFileError(null);
  }, [setFileError]);
  const importFile = useCallback(
    async (file: File, name: string, install: boolean) => {
      if (await importFromFile(file, name, install)) setImportOpen(false);
    },
    [importFromFile],
  );
  const openImported = useCallback(
    (id: string) => {
      dismissImport();
      onOpen(id);
    },
    [dismissImport, onOpen],
  );

  return (
    <section className="nw-workers" data-testid="workers-panel" aria-labelledby="nw-workers-title">
      <header className="nw-panel-head">
        <h2 id="nw-workers-title" className="nw-panel-title">
          Workers
          {state.loaded && (
            <span className="nw-count" data-testid="worker-count">
              {workers.length}
            </span>
          )}
        </h2>
        <button
          type="button"
          className="button nw-workers-new"
          data-testid="worker-new"
          aria-label="New worker"
          title="Create a new worker"
          aria-expanded={formOpen}
          disabled={createPending}
          onClick={() => {
            if (formOpen) {
              closeForm();
            } else {
              closeImport();
              setBundleOpen(false);
              setFormOpen(true);
            }
          }}
        >
          <span aria-hidden="true">+</span> New
        </button>
        <button
          type="button"
          className="button nw-workers-new"
          data-testid="funcnodes-import"
          aria-expanded={importOpen}
          aria-label="Import FuncNodes workflow"
          title="Import a FuncNodes workflow (.fnw export or nodespace.json) as a new worker"
          disabled={importFilePending}
          onClick={() => {
            if (importOpen) {
              closeImport();
            } else {
              closeForm();
              setBundleOpen(false);
              setImportOpen(true);
            }
          }}
        >
          Import
        </button>
        <button
          type="button"
          className="button nw-workers-new"
          data-testid="bundle-import"
          aria-expanded={bundleOpen}
          aria-label="Import bundle"
          title="Import a nodeweave bundle (.nwflow) as a new worker"
          onClick={() => {
            if (!bundleOpen) {
              closeForm();
              closeImport();
              setBundleKey((k) => k + 1);
            }
            setBundleOpen(!bundleOpen);
          }}
        >
          Bundle…
        </button>
      </header>
      {formOpen && (
        <CreateWorkerForm
          pending={createPending}
          error={createError}
          onSubmit={(name, reqs) => void create(name, reqs)}
          onInvalid={setCreateError}
          onCancel={closeForm}
        />
      )}
      {importOpen && (
        <ImportFuncNodesForm
          pending={importFilePending}
          error={fn.error?.source.kind === 'file' ? fn.error.message : null}
          onSubmit={(file, name, install) => void importFile(file, name, install)}
          onInvalid={fn.setFileError}
          onCancel={closeImport}
        />
      )}
      {bundleOpen && <ImportBundle key={bundleKey} client={client} onOpen={onOpen} onClose={() => setBundleOpen(false)} />}
      {fn.outcome && <ImportSummary outcome={fn.outcome} onOpen={openImported} onClose={fn.dismiss} />}
      {hub.error && (
        <div className="nw-workers-note is-error" role="alert">
          {hub.error}
        </div>
      )}
      {!state.loaded ? (
        !hub.error && <div className="nw-workers-note">Loading workers…</div>
      ) : workers.length === 0 ? (
        !formOpen &&
        !importOpen &&
        !bundleOpen && (
          <div className="nw-workers-note" data-testid="workers-empty">
            No workers yet. Create one to start building a graph.
          </div>
        )
      ) : (
        <ul className="nw-worker-list" aria-label="Workers">
          {workers.map((w) => (
            <WorkerRow
              key={w.id}
              worker={w}
              progress={state.envProgress[w.id]}
              selected={w.id === selectedId}
              connected={connected}
              client={client}
              isPending={isPending}
              onOpen={onOpen}
              onAction={onAction}
              onDelete={(worker) => setConfirmDelete(worker.id)}
              onPackages={onPackages}
              packagesOpen={packagesId === w.id}
            />
          ))}
        </ul>
      )}
      <FuncNodesFound
        found={fn.found}
        pending={fn.pending}
        error={fn.error}
        connected={connected}
        onImport={(id) => void fn.importFound(id)}
      />
      {toDelete && (
        <ConfirmDialog
          title="Delete worker?"
          confirmLabel="Delete"
          danger
          onConfirm={() => void deleteNow(toDelete.id)}
          onCancel={() => setConfirmDelete(null)}
        >
          <p>
            <strong>{toDelete.name}</strong> will be stopped, and its graph and all its files
            {toDelete.venv ? ' (its environment too)' : ''} will be deleted.
          </p>
          <p>This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
