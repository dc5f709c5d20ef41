// The hub connection: one reconnecting socket, the live worker list (events, not polling).
import { useEffect, useMemo, useReducer, useState } from 'react';
import { wsUrl } from '../auth';
import { createHubClient, RpcError, type HubClient } from '../protocol/client';
import { ReconnectingSocket, type ConnectionState } from '../protocol/socket';
import { initialWorkersState, workersReducer, type WorkersState } from '../state/workers';

export interface HubConn {
  client: HubClient;
  state: ConnectionState;
  workers: WorkersState;
  /** The last failure to list workers, if any. */
  error: string | null;
}

export function describeError(err: unknown): string {
  if (err instanceof RpcError) return `${err.message} (${err.code})`;
  if (err instanceof Error) return err.message;
  return String(err);
}

export function useHub(token: string | null): HubConn {
  const [state, setState] = useState<ConnectionState>('idle');
  const [workers, dispatch] = useReducer(workersReducer, initialWorkersState);
  const [error, setError] = useState<string | null>(null);
  const { client, socket } = useMemo(() => {
    const client = createHubClient({
      onProtocolIssue: (issue) => console.warn('nodeweave: hub protocol issue', issue),
    });
    const socket = new ReconnectingSocket(client, {
      url: () => wsUrl('/ws', token),
      onStateChange: setState,
    });
    return { client, socket };
  }, [token]);

  useEffect(() => {
    const offs = [
      client.on('worker_status', (data) => dispatch({ type: 'event', event: 'worker_status', data })),
      client.on('worker_deleted', (data) => dispatch({ type: 'event', event: 'worker_deleted', data })),
      client.on('env_progress', (data) => dispatch({ type: 'event', event: 'env_progress', data })),
      client.onResync(() => dispatch({ type: 'resync' })),
    ];
    socket.start();
    return () => {
      offs.forEach((off) => off());
      socket.stop();
    };
  }, [client, socket]);

  // (Re)fetch the list once connected, and whenever a resync was requested.
  useEffect(() => {
    if (state !== 'open' || (workers.loaded && !workers.needsRefetch)) return;
    let cancelled = false;
    client.call('list_workers').then(
      (list) => {
        if (cancelled) return;
        setError(null);
        dispatch({ type: 'list', workers: list });
      },
      (err: unknown) => {
        if (!cancelled) setError(describeError(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, state, workers.loaded, workers.needsRefetch]);

  return { client, state, workers, error };
}
