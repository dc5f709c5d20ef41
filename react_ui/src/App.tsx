// Minimal first UI: connect to the hub and show the live worker list.
import { useEffect, useMemo, useReducer, useState } from 'react';
import { initToken, wsUrl } from './auth';
import { createHubClient, RpcError, type HubClient } from './protocol/client';
import { ReconnectingSocket, type ConnectionState } from './protocol/socket';
import { initialWorkersState, workerList, workersReducer } from './state/workers';

function useHub(): { client: HubClient; state: ConnectionState } {
  const [state, setState] = useState<ConnectionState>('idle');
  const { client, socket } = useMemo(() => {
    const token = initToken();
    const client = createHubClient({
      onProtocolIssue: (issue) => console.warn('nodeweave protocol issue', issue),
    });
    const socket = new ReconnectingSocket(client, {
      url: () => wsUrl('/ws', token),
      onStateChange: setState,
    });
    return { client, socket };
  }, []);
  useEffect(() => {
    socket.start();
    return () => socket.stop();
  }, [socket]);
  return { client, state };
}

export function App() {
  const { client, state } = useHub();
  const [workers, dispatch] = useReducer(workersReducer, initialWorkersState);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const offs = [
      client.on('worker_status', (data) => dispatch({ type: 'event', event: 'worker_status', data })),
      client.on('worker_deleted', (data) => dispatch({ type: 'event', event: 'worker_deleted', data })),
      client.on('env_progress', (data) => dispatch({ type: 'event', event: 'env_progress', data })),
      client.onResync(() => dispatch({ type: 'resync' })),
    ];
    return () => offs.forEach((off) => off());
  }, [client]);

  // (Re)fetch the list once connected, and whenever a resync was requested.
  useEffect(() => {
    if (state !== 'open' || (workers.loaded && !workers.needsRefetch)) return;
    let cancelled = false;
    client.call('list_workers').then(
      (list) => {
        if (!cancelled) {
          setError(null);
          dispatch({ type: 'list', workers: list });
        }
      },
      (err: unknown) => {
        if (!cancelled) setError(err instanceof RpcError ? `${err.code}: ${err.message}` : String(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, state, workers.loaded, workers.needsRefetch]);

  return (
    <main>
      <h1>nodeweave</h1>
      <p>
        hub: <span data-testid="connection-state">{state}</span>
      </p>
      {error && <p role="alert">{error}</p>}
      <h2>Workers</h2>
      {workers.loaded && workerList(workers).length === 0 && <p>No workers yet.</p>}
      <ul>
        {workerList(workers).map((w) => (
          <li key={w.id}>
            <strong>{w.name}</strong> ({w.id}) — {w.status}
            {w.url ? ` — ${w.url}` : ''}
            {w.error ? ` — ${w.error}` : ''}
          </li>
        ))}
      </ul>
    </main>
  );
}
