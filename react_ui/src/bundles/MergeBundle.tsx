// "Merge…" in the open worker's toolbar. A picked `.nwflow` is read by the hub (`read_bundle`,
// nothing written) and shown — its node modules first, readable, since they run with the user's
// rights as soon as they are written; once confirmed each module is written into this worker
// (`write_module`) and the workflow merged to the right of the graph (`merge_workflow`, one undo
// step), with the edges that could not be kept reported. A workflow document (`.json`: an
// exported workflow, or an exported composite) is merged the same way, without modules; the
// composite definitions it carries join this worker's library (equal ones reused, clashing ids
// renamed by the worker).
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { describeError } from '../hooks/useHub';
import type { HubClient, WorkerClient } from '../protocol/client';
import type { NodeInfo } from '../protocol/generated';
import { readBase64 } from '../workers/funcnodes';
import { isJsonFile, parseWorkflow } from '../workflow/workflowFile';
import { documentComposites } from '../composites/model';
import { Dialog } from './Dialog';
import {
  documentName,
  documentNodeCount,
  documentPositions,
  MERGE_ACCEPT,
  MERGE_TRUST_STATEMENT,
  mergedSummary,
  mergeOffset,
  plural,
  refuseBundle,
} from './model';
import { TrustStatement } from './TrustStatement';

export interface MergeBundleDeps {
  hub: Pick<HubClient, 'call'>;
  worker: Pick<WorkerClient, 'call'>;
  /** The nodes on the canvas now (where the merged ones go). */
  nodes(): readonly NodeInfo[];
  notify(message: string, kind: 'info' | 'success' | 'error'): void;
}

/** What is about to be merged: a bundle's contents, or a workflow document. */
type Asking = {
  fileName: string;
  name: string;
  document: Record<string, unknown>;
  modules: Record<string, string>;
  requirements: string[];
  /** The nodeweave that wrote a bundle (null: a plain document). */
  writtenBy: string | null;
};

export interface MergeBundle {
  pickFile(): void;
  /** A picked or dropped file: a `.nwflow` bundle or a workflow `.json`. */
  mergeFile(file: File): Promise<void>;
  /** A workflow document already read (a dropped composite): asks, then merges. */
  mergeDocument(doc: Record<string, unknown>, fileName: string): void;
  element: ReactNode;
}

export function useMergeBundle(deps: MergeBundleDeps): MergeBundle {
  const latest = useRef(deps);
  latest.current = deps;
  const picker = useRef<HTMLInputElement>(null);
  const [asking, setAsking] = useState<Asking | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const mergeDocument = useCallback((doc: Record<string, unknown>, fileName: string) => {
    setError(null);
    setAsking({ fileName, name: documentName(fileName), document: doc, modules: {}, requirements: [], writtenBy: null });
  }, []);

  const mergeFile = useCallback(
    async (file: File) => {
      const d = latest.current;
      const refused = refuseBundle(file);
      if (refused) {
        d.notify(refused, 'error');
        return;
      }
      try {
        if (isJsonFile(file)) {
          const doc = parseWorkflow(await file.text());
          if (!doc) {
            d.notify(`${file.name} is not a workflow document (nor a .nwflow bundle)`, 'error');
            return;
          }
          mergeDocument(doc, file.name);
          return;
        }
        const bundle = await d.hub.call('read_bundle', { data: await readBase64(file) });
        setError(null);
        setAsking({
          fileName: file.name,
          name: bundle.name,
          document: bundle.document,
          modules: bundle.modules,
          requirements: bundle.requirements,
          writtenBy: bundle.written_by,
        });
      } catch (err) {
        d.notify(describeError(err), 'error');
      }
    },
    [mergeDocument],
  );

  const confirm = useCallback(async (a: Asking) => {
    const d = latest.current;
    setBusy(true);
    setError(null);
    try {
      for (const [name, source] of Object.entries(a.modules).sort(([x], [y]) => x.localeCompare(y))) {
        await d.worker.call('write_module', { name, source });
      }
      const offset = mergeOffset(d.nodes(), documentPositions(a.document));
      const r = await d.worker.call('merge_workflow', { document: a.document, offset_x: offset.x, offset_y: offset.y });
      const merged = Object.keys(r.nodes).length;
      const dropped = r.dropped_edges.length;
      setAsking(null);
      d.notify(
        `Merged ${a.name}: ${mergedSummary(merged, documentComposites(a.document).length)}` +
          (dropped ? `; ${plural(dropped, 'edge')} dropped (their ports do not exist here)` : ''),
        dropped ? 'info' : 'success',
      );
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }, []);

  const pickFile = useCallback(() => picker.current?.click(), []);
  const moduleCount = asking ? Object.keys(asking.modules).length : 0;
  const composites = asking ? documentComposites(asking.document) : [];
  const nodeCount = asking ? documentNodeCount(asking.document) : 0;

  const element = (
    <>
      <input
        ref={picker}
        type="file"
        accept={MERGE_ACCEPT}
        hidden
        data-testid="bundle-merge-file"
        aria-label="Bundle or workflow to merge"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void mergeFile(file);
        }}
      />
      {asking && (
        <Dialog
          title={`Merge ${asking.name}?`}
          testId="bundle-merge-dialog"
          onClose={() => !busy && setAsking(null)}
          actions={
            <>
              <button type="button" className="button" data-testid="bundle-merge-cancel" disabled={busy} onClick={() => setAsking(null)}>
                Cancel
              </button>
              <button type="button" className="button button-primary" data-testid="bundle-merge-ok" disabled={busy} onClick={() => void confirm(asking)}>
                {busy ? 'Merging…' : moduleCount > 0 ? 'Write modules and merge' : 'Merge'}
              </button>
            </>
          }
        >
          <p className="nw-bd-text">
            {nodeCount > 0 || composites.length === 0 ? (
              <>
                {plural(nodeCount, 'node')} from {asking.fileName}
                {asking.writtenBy ? ` (nodeweave ${asking.writtenBy})` : ''} are added to the right of this graph as one step: Undo takes them back.
              </>
            ) : (
              <>{asking.fileName} holds no nodes: merging adds its composites to this worker’s library, as one step (Undo takes it back).</>
            )}
          </p>
          {composites.length > 0 && (
            <p className="nw-bd-text" data-testid="bundle-merge-composites">
              Composites: {composites.join(', ')}. One equal to a composite here is that one; one whose id is taken by another gets a new id.
            </p>
          )}
          {moduleCount > 0 && <TrustStatement modules={asking.modules} statement={MERGE_TRUST_STATEMENT} />}
          {asking.requirements.length > 0 && <p className="nw-bd-muted">Its packages ({asking.requirements.join(', ')}) are not installed by a merge.</p>}
          {error && (
            <div className="nw-worker-form-error" role="alert" data-testid="bundle-merge-error">
              {error}
            </div>
          )}
        </Dialog>
      )}
    </>
  );
  return { pickFile, mergeFile, mergeDocument, element };
}
