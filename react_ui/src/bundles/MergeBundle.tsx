// "Merge bundle…" in the open worker's toolbar: a picked `.nwflow` is read by the hub
// (`read_bundle`, nothing written) and shown — its node modules first, readable, since they run
// with the user's rights as soon as they are written; once confirmed each module is written
// into this worker (`write_module`) and the workflow merged to the right of the graph
// (`merge_workflow`, one undo step), with the edges that could not be kept reported.
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { describeError } from '../hooks/useHub';
import type { HubClient, WorkerClient } from '../protocol/client';
import type { NodeInfo, ReadBundleResult } from '../protocol/generated';
import { readBase64 } from '../workers/funcnodes';
import { Dialog } from './Dialog';
import { BUNDLE_ACCEPT, documentNodeCount, documentPositions, MERGE_TRUST_STATEMENT, mergeOffset, plural, refuseBundle } from './model';
import { TrustStatement } from './TrustStatement';

export interface MergeBundleDeps {
  hub: Pick<HubClient, 'call'>;
  worker: Pick<WorkerClient, 'call'>;
  /** The nodes on the canvas now (where the merged ones go). */
  nodes(): readonly NodeInfo[];
  notify(message: string, kind: 'info' | 'success' | 'error'): void;
}

type Asking = { fileName: string; bundle: ReadBundleResult };

export function useMergeBundle(deps: MergeBundleDeps): { pickFile(): void; mergeFile(file: File): Promise<void>; element: ReactNode } {
  const latest = useRef(deps);
  latest.current = deps;
  const picker = useRef<HTMLInputElement>(null);
  const [asking, setAsking] = useState<Asking | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const mergeFile = useCallback(async (file: File) => {
    const d = latest.current;
    const refused = refuseBundle(file);
    if (refused) {
      d.notify(refused, 'error');
      return;
    }
    try {
      const bundle = await d.hub.call('read_bundle', { data: await readBase64(file) });
      setError(null);
      setAsking({ fileName: file.name, bundle });
    } catch (err) {
      d.notify(describeError(err), 'error');
    }
  }, []);

  const confirm = useCallback(async (a: Asking) => {
    const d = latest.current;
    setBusy(true);
    setError(null);
    try {
      for (const [name, source] of Object.entries(a.bundle.modules).sort(([x], [y]) => x.localeCompare(y))) {
        await d.worker.call('write_module', { name, source });
      }
      const offset = mergeOffset(d.nodes(), documentPositions(a.bundle.document));
      const r = await d.worker.call('merge_workflow', { document: a.bundle.document, offset_x: offset.x, offset_y: offset.y });
      const merged = Object.keys(r.nodes).length;
      const dropped = r.dropped_edges.length;
      setAsking(null);
      d.notify(
        `Merged ${a.bundle.name}: ${plural(merged, 'node')}` + (dropped ? `; ${plural(dropped, 'edge')} dropped (their ports do not exist here)` : ''),
        dropped ? 'info' : 'success',
      );
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }, []);

  const pickFile = useCallback(() => picker.current?.click(), []);
  const moduleCount = asking ? Object.keys(asking.bundle.modules).length : 0;

  const element = (
    <>
      <input
        ref={picker}
        type="file"
        accept={BUNDLE_ACCEPT}
        hidden
        data-testid="bundle-merge-file"
        aria-label="Bundle to merge"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void mergeFile(file);
        }}
      />
      {asking && (
        <Dialog
          title={`Merge ${asking.bundle.name}?`}
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
            {plural(documentNodeCount(asking.bundle.document), 'node')} from {asking.fileName} (nodeweave {asking.bundle.written_by}) are added to the right of this graph
            as one step: Undo takes them back.
          </p>
          {moduleCount > 0 && <TrustStatement modules={asking.bundle.modules} statement={MERGE_TRUST_STATEMENT} />}
          {asking.bundle.requirements.length > 0 && (
            <p className="nw-bd-muted">Its packages ({asking.bundle.requirements.join(', ')}) are not installed by a merge.</p>
          )}
          {error && (
            <div className="nw-worker-form-error" role="alert" data-testid="bundle-merge-error">
              {error}
            </div>
          )}
        </Dialog>
      )}
    </>
  );
  return { pickFile, mergeFile, element };
}
