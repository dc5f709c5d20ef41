// The worker's edit history for one open worker: mirrored from `history` events (and fetched
// on connect and after lost events), with undo / redo commands. Every tab of a worker shares
// one history, so an undo here is seen everywhere.
import { useCallback, useEffect, useState } from 'react';
import type { WorkerClient } from '../protocol/client';
import type { ConnectionState } from '../protocol/socket';
import { NO_HISTORY, parseHistory, sameHistory, type HistoryInfo } from './history';

export interface HistoryApi {
  info: HistoryInfo;
  /** Undo the worker's last recorded edit (of any tab); rejects with the worker's reason. */
  undo(): Promise<void>;
  redo(): Promise<void>;
}

export function useHistory(client: WorkerClient, state: ConnectionState): HistoryApi {
  const [info, setInfo] = useState<HistoryInfo>(NO_HISTORY);
  const [stale, setStale] = useState(true);
  const take = useCallback((raw: unknown) => {
    const next = parseHistory(raw);
    setInfo((prev) => (sameHistory(prev, next) ? prev : next));
  }, []);

  useEffect(() => {
    const offs = [
      client.on('history', take),
      client.onResync(() => setStale(true)),
    ];
    return () => offs.forEach((off) => off());
  }, [client, take]);

  useEffect(() => {
    if (state !== 'open') {
      // nothing can be undone without the worker: the buttons wait for its history again
      setInfo(NO_HISTORY);
      setStale(true);
      return;
    }
    if (!stale) return;
    let cancelled = false;
    client.call('get_history').then(
      (result) => {
        if (cancelled) return;
        take(result);
        setStale(false);
      },
      // a worker without a history (an older one): the buttons stay disabled
      () => {
        if (!cancelled) setStale(false);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, state, stale, take]);

  const undo = useCallback(async () => {
    await client.call('undo');
  }, [client]);
  const redo = useCallback(async () => {
    await client.call('redo');
  }, [client]);
  return { info, undo, redo };
}
