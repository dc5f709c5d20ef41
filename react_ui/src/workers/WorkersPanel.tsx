// STUB — replaced by the workers panel.
import type { HubConn } from '../hooks/useHub';
import { workerList } from '../state/workers';

export interface WorkersPanelProps {
  hub: HubConn;
  /** The worker open in the workspace. */
  selectedId: string | null;
  /** Open a worker in the workspace (null closes it). */
  onOpen(id: string | null): void;
}

export function WorkersPanel({ hub, onOpen }: WorkersPanelProps) {
  return (
    <section data-testid="workers-panel">
      {workerList(hub.workers).map((w) => (
        <div key={w.id} data-testid="worker-row" data-worker-id={w.id} onClick={() => onOpen(w.id)}>
          {w.name} {w.status}
        </div>
      ))}
    </section>
  );
}
