// STUB — replaced by the canvas.
import type { WorkerConn } from '../hooks/useWorker';

/** What the workspace can ask of the canvas. */
export interface CanvasApi {
  /** Add a node of this type at the centre of the view. */
  addNode(nodeId: string): void;
  fitView(): void;
}

export interface CanvasProps {
  worker: WorkerConn;
  /** The node shown in the inspector. */
  selected: string | null;
  onSelect(uuid: string | null): void;
  /** Called once mounted with the canvas's API. */
  onReady(api: CanvasApi): void;
}

export function Canvas({ worker }: CanvasProps) {
  return <div data-testid="canvas">{worker.graph.order.length} nodes</div>;
}
