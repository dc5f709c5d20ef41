// Export and import of the worker's workflow from the canvas: Export downloads the document as
// `<worker>.json`; Import (a picked file, or a workflow `.json` dropped on the canvas) replaces
// the graph in one undo step, after asking when the graph is not empty. A document of composite
// definitions only (an exported composite) is merged instead: it adds them, it replaces nothing.
import { useCallback, useRef, useState, type ReactNode } from 'react';
import type { WorkerClient } from '../protocol/client';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { downloadJson, parseWorkflow, workflowFileName } from './workflowFile';
import { isCompositeDocument } from '../composites/model';

export interface WorkflowFileDeps {
  client: Pick<WorkerClient, 'call'>;
  /** The worker's id or name, for the file name. */
  workerName(): string;
  /** Nodes in the graph now (0: import without asking). */
  nodeCount(): number;
  fail(err: unknown): void;
  notify(message: string): void;
  /** Merge a document into the graph (for documents that only carry composite definitions). */
  merge?(doc: Record<string, unknown>, fileName: string): void;
}

export function useWorkflowFile(deps: WorkflowFileDeps): {
  exportWorkflow(): void;
  /** Import a file; false when it is not a workflow document. */
  importFile(file: File): Promise<boolean>;
  pickFile(): void;
  element: ReactNode;
} {
  const latest = useRef(deps);
  latest.current = deps;
  const [asking, setAsking] = useState<{ name: string; doc: Record<string, unknown> } | null>(null);
  const picker = useRef<HTMLInputElement>(null);

  const exportWorkflow = useCallback(() => {
    const d = latest.current;
    d.client.call('export_workflow').then((doc) => downloadJson(doc, workflowFileName(d.workerName())), d.fail);
  }, []);

  const doImport = useCallback((doc: Record<string, unknown>, name: string) => {
    const d = latest.current;
    d.client.call('import_workflow', { document: doc }).then(() => d.notify(`Imported ${name}`), d.fail);
  }, []);

  const importFile = useCallback(
    async (file: File): Promise<boolean> => {
      const doc = parseWorkflow(await file.text());
      if (!doc) return false;
      const merge = latest.current.merge;
      if (merge && isCompositeDocument(doc)) {
        merge(doc, file.name);
        return true;
      }
      if (latest.current.nodeCount() > 0) setAsking({ name: file.name, doc });
      else doImport(doc, file.name);
      return true;
    },
    [doImport],
  );

  const pickFile = useCallback(() => picker.current?.click(), []);

  const element = (
    <>
      <input
        ref={picker}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="import-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (!file) return;
          void importFile(file).then((ok) => {
            if (!ok) latest.current.notify(`${file.name} is not a workflow document`);
          });
        }}
      />
      {asking && (
        <ConfirmDialog
          title={`Import ${asking.name}?`}
          confirmLabel="Replace the graph"
          danger
          onConfirm={() => {
            setAsking(null);
            doImport(asking.doc, asking.name);
          }}
          onCancel={() => setAsking(null)}
        >
          The graph on this worker is replaced by the file’s (one step: Undo brings it back).
        </ConfirmDialog>
      )}
    </>
  );
  return { exportWorkflow, importFile, pickFile, element };
}
