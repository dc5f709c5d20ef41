// One worker's connection: graph state from `get_state` + events, the library, and a
// latest-only input sender. Follows the worker's URL across restarts (new port). Mount it
// under a component keyed by the worker id, so one worker's state never leaks into another's.
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { wsUrl } from '../auth';
import type { HelloResult, LibraryResult, WorkerRecord } from '../protocol/generated';
import { createWorkerClient, type WorkerClient } from '../protocol/client';
import { ReconnectingSocket, type ConnectionState } from '../protocol/socket';
import { clusterReducer, type Cluster } from '../state/cluster';
import { FrameQueue } from '../state/frameQueue';
import { eventAction, graphReducer, initialGraphState, type GraphEvent, type GraphState } from '../state/graph';
import { inputKey, LatestSender } from '../state/latest';
import { createWorkerHttp, type WorkerHttp } from './workerHttp';
import { describeError } from './useHub';

export interface WorkerConn {
  client: WorkerClient;
  state: ConnectionState;
  graph: GraphState;
  library: LibraryResult | null;
  hello: HelloResult | null;
  /** Safe start: the graph is loaded and nothing runs until `resume` (hello.paused, then the
   * `paused` event). */
  paused: boolean;
  /** Run the graph after a safe start. */
  resume(): Promise<void>;
  /** The Dask cluster of its Dask nodes, once one has run (hello.cluster, then the `cluster`
   * event); null before, and while the worker is not running. */
  cluster: Cluster | null;
  /** Full values over HTTP; null until the worker has a URL. */
  http: WorkerHttp | null;
  /** Set an input's own value (latest-only per input: no stale queue while dragging). */
  setInput(uuid: string, io: string, value: unknown): void;
  /** A `set_input` for this input is in flight: its echoes are older than what the user sees. */
  inputBusy(uuid: string, io: string): boolean;
  /** Last failure of a background command (refetch, set_input). */
  error: string | null;
  clearError(): void;
}

/** Ask the worker for batch frames: the events of one tick arrive as one message. */
export function batchUrl(url: string): string {
  const u = new URL(url);
  u.searchParams.set('batch', '1');
  return u.toString();
}

/**
 * Events that only announce a run (an input's echo and its undo step, nodes turning stale,
 * waiting or running): the worker sends them a few milliseconds before the run's values. On a
 * long chain drawing them on their own costs as much as drawing the values: they may wait for
 * the values (up to MAY_WAIT_MS, frameQueue.ts) and be drawn with them.
 */
export function announcesRun(e: GraphEvent): boolean {
  // the edit's new undo step comes with its echo (the toolbar takes it, not the graph)
  if (e.event === 'input_changed' || e.event === 'history') return true;
  if (e.event !== 'node_status') return false;
  const status = e.data.status;
  return status === 'stale' || status === 'waiting' || status === 'running';
}

export function useWorker(record: WorkerRecord | null, token: string | null): WorkerConn {
  const url = record?.status === 'running' ? (record.url ?? null) : null;
  const urlRef = useRef(url);
  urlRef.current = url;
  const [state, setState] = useState<ConnectionState>('idle');
  const [graph, dispatch] = useReducer(graphReducer, initialGraphState);
  // graph events are applied at most once per animation frame: a burst is one render, done
  // there and then (flushSync), so the frame being drawn already shows it; a render React
  // scheduled for later would reach the screen only one frame after
  const queue = useMemo(
    () =>
      new FrameQueue<GraphEvent>((events) => flushSync(() => dispatch({ type: 'events', events })), undefined, {
        mayWait: announcesRun,
      }),
    [],
  );
  const [library, setLibrary] = useState<LibraryResult | null>(null);
  const [hello, setHello] = useState<HelloResult | null>(null);
  const [paused, setPaused] = useState(false);
  const [cluster, dispatchCluster] = useReducer(clusterReducer, null);
  const [libraryStale, setLibraryStale] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const { client, sender } = useMemo(() => {
    const client = createWorkerClient({
      onProtocolIssue: (issue) => console.warn('nodeweave: worker protocol issue', issue),
    });
    const sender = new LatestSender<{ uuid: string; io: string; value: unknown }>(
      (_key, { uuid, io, value }) => client.call('set_input', { uuid, io, value }),
      (_key, err) => setError(describeError(err)),
    );
    return { client, sender };
  }, []);

  // Connect while the worker runs; the URL is read again on every reconnect attempt.
  const running = url !== null;
  useEffect(() => {
    if (!running) {
      setState('idle');
      // a stopped worker's cluster is gone (the next hello says whether there is one)
      dispatchCluster({ type: 'reset' });
      return;
    }
    const socket = new ReconnectingSocket(client, {
      url: () => batchUrl(wsUrl(urlRef.current ?? 'ws://127.0.0.1:9/ws', token)),
      onStateChange: setState,
      maxDelayMs: 3000,
    });
    const offs = [
      client.onAny((data, env) => queue.push(eventAction(env.event, data))),
      client.on('hello', (data) => {
        setHello(data);
        setPaused(data.paused === true);
        dispatchCluster({ type: 'hello', data });
      }),
      client.on('cluster', (data) => dispatchCluster({ type: 'cluster', data })),
      client.on('paused', (data) => setPaused(data.paused === true)),
      client.on('library_changed', () => setLibraryStale(true)),
      client.onResync(() => {
        sender.clear();
        queue.flush();
        dispatch({ type: 'resync' });
        setLibraryStale(true);
      }),
    ];
    dispatch({ type: 'resync' });
    setLibraryStale(true);
    socket.start();
    return () => {
      offs.forEach((off) => off());
      socket.stop();
      queue.clear();
    };
  }, [client, sender, queue, running, token]);

  // Fetch the graph when connected and whenever events were lost or the graph was replaced.
  useEffect(() => {
    if (state !== 'open' || (graph.loaded && !graph.needsRefetch)) return;
    let cancelled = false;
    client.call('get_state').then(
      (result) => {
        if (cancelled) return;
        queue.flush(); // events that came before the state are older than it
        dispatch({ type: 'state', state: result });
      },
      (err: unknown) => {
        if (!cancelled) setError(describeError(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, state, graph.loaded, graph.needsRefetch]);

  useEffect(() => {
    if (state !== 'open' || !libraryStale) return;
    let cancelled = false;
    client.call('get_library').then(
      (result) => {
        if (cancelled) return;
        setLibrary(result);
        setLibraryStale(false);
      },
      (err: unknown) => {
        if (!cancelled) setError(describeError(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, state, libraryStale]);

  const http = useMemo(() => (url ? createWorkerHttp(url, token) : null), [url, token]);
  const setInput = useCallback(
    (uuid: string, io: string, value: unknown) => sender.submit(inputKey(uuid, io), { uuid, io, value }),
    [sender],
  );
  const inputBusy = useCallback((uuid: string, io: string) => sender.busy(inputKey(uuid, io)), [sender]);
  const clearError = useCallback(() => setError(null), []);
  const resume = useCallback(async () => {
    await client.call('resume');
    // the `paused` event says so too; the reply is enough to take the banner away
    setPaused(false);
  }, [client]);

  return { client, state, graph, library, hello, paused, resume, cluster, http, setInput, inputBusy, error, clearError };
}
