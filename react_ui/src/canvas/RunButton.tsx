// A card's run control: "run again" (`trigger`) while the node is idle, done or failed, "cancel"
// (`cancel {uuid}`: what depends on it is blocked) while it runs. Refusals show as a toast.
import { useCallback } from 'react';
import { describeError } from '../hooks/useHub';
import type { NodeInfo } from '../protocol/generated';

type NodeStatus = NodeInfo['status'];
import { useToast } from '../ui/toast';
import { useCardWorker } from './context';

/** Statuses in which the node's run can be cancelled. */
const CANCELLABLE: ReadonlySet<string> = new Set(['running']);

export function runAction(status: NodeStatus | string): 'cancel' | 'trigger' {
  return CANCELLABLE.has(status) ? 'cancel' : 'trigger';
}

export function RunButton({ uuid, status }: { uuid: string; status: NodeStatus }) {
  const worker = useCardWorker();
  const toast = useToast();
  const action = runAction(status);
  const run = useCallback(() => {
    const done = action === 'cancel' ? worker.client.call('cancel', { uuid }) : worker.client.call('trigger', { uuid });
    done.catch((err: unknown) => toast.push(describeError(err), 'error'));
  }, [action, worker, uuid, toast]);
  const label = action === 'cancel' ? 'Cancel this run' : 'Run again';
  return (
    <button
      type="button"
      className={`nw-card-run nodrag nw-card-run-${action}`}
      data-testid={action === 'cancel' ? 'node-cancel' : 'node-trigger'}
      title={label}
      aria-label={label}
      onClick={run}
    >
      {action === 'cancel' ? (
        <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true" focusable="false">
          <rect x="1.5" y="1.5" width="7" height="7" rx="1" fill="currentColor" />
        </svg>
      ) : (
        <svg width="11" height="11" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
          <path d="M10 6a4 4 0 1 1-1.2-2.85M10 1.5v2.5H7.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      )}
    </button>
  );
}
