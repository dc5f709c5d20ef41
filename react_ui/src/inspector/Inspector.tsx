// STUB — replaced by the inspector.
import type { WorkerConn } from '../hooks/useWorker';

export interface InspectorProps {
  worker: WorkerConn;
  /** The inspected node. */
  uuid: string;
  onClose(): void;
}

export function Inspector({ uuid }: InspectorProps) {
  return <aside data-testid="inspector">{uuid}</aside>;
}
