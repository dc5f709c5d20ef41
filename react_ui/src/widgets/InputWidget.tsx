// STUB — replaced by the input widgets.
import type { WorkerConn } from '../hooks/useWorker';
import type { InputInfo } from '../protocol/generated';

export interface InputWidgetProps {
  worker: WorkerConn;
  uuid: string;
  input: InputInfo;
  /** Node-card size (the inspector shows the roomy version). */
  compact?: boolean;
}

export function InputWidget({ input }: InputWidgetProps) {
  return <span data-testid="input-widget">{input.name}</span>;
}
