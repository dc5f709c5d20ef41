// What the worker says about runs that is not graph state: a sync node type that blocked the
// worker's event loop now runs in a thread (an info toast, gone after a while).
import { useEffect } from 'react';
import type { WorkerClient } from '../protocol/client';
import { movedOffLoopMessage } from '../state/runs';
import { useToast } from '../ui/toast';

export function useRunNotices(client: WorkerClient): void {
  const toast = useToast();
  useEffect(() => client.on('moved_off_loop', (data) => toast.push(movedOffLoopMessage(data), 'info')), [client, toast]);
}
