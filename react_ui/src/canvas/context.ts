// The worker connection as node cards see it: one object for the canvas's lifetime, so a new
// `WorkerConn` on every graph change does not re-render every card (they re-render only when
// their own NodeInfo changes). Reads go to the latest connection.
import { createContext, useCallback, useContext, useSyncExternalStore } from 'react';
import type { WorkerConn } from '../hooks/useWorker';
import { inKey, type IncomingStore, type Preview } from './incoming';
import type { NodeStore } from './nodeStore';
import type { NodeInfo } from '../protocol/generated';
import type { ZoomLevel } from './lod';

export const CardWorkerContext = createContext<WorkerConn | null>(null);

export function useCardWorker(): WorkerConn {
  const worker = useContext(CardWorkerContext);
  if (!worker) throw new Error('node cards need a CardWorkerContext');
  return worker;
}

/** A stable view of `current()`: every field reads the latest connection. */
export function stableWorker(current: () => WorkerConn): WorkerConn {
  return {
    get client() {
      return current().client;
    },
    get state() {
      return current().state;
    },
    get graph() {
      return current().graph;
    },
    get library() {
      return current().library;
    },
    get hello() {
      return current().hello;
    },
    get paused() {
      return current().paused;
    },
    resume: () => current().resume(),
    get cluster() {
      return current().cluster;
    },
    get http() {
      return current().http;
    },
    get error() {
      return current().error;
    },
    setInput: (uuid, io, value) => current().setInput(uuid, io, value),
    inputBusy: (uuid, io) => current().inputBusy(uuid, io),
    clearError: () => current().clearError(),
  };
}

export const IncomingContext = createContext<IncomingStore | null>(null);

/** The preview flowing into an input over its edge (undefined when it is not driven). */
export function useIncoming(uuid: string, io: string): Preview | undefined {
  const store = useContext(IncomingContext);
  const key = inKey(uuid, io);
  const subscribe = useCallback((fn: () => void) => store?.subscribe(key, fn) ?? (() => undefined), [store, key]);
  const read = () => store?.get(key);
  return useSyncExternalStore(subscribe, read, read);
}

/** The canvas's zoom level: zoomed out, rows show one line (or a bar) instead of their widget. */
export const ZoomContext = createContext<ZoomLevel>('near');

export function useZoomLevel(): ZoomLevel {
  return useContext(ZoomContext);
}

export const NodeStoreContext = createContext<NodeStore | null>(null);

/** A card's live NodeInfo (`fallback`: its flow node's, when there is no store). */
export function useNodeInfo(uuid: string, fallback: NodeInfo): NodeInfo {
  const store = useContext(NodeStoreContext);
  const subscribe = useCallback((fn: () => void) => store?.subscribe(uuid, fn) ?? (() => undefined), [store, uuid]);
  const read = () => store?.get(uuid) ?? fallback;
  return useSyncExternalStore(subscribe, read, read);
}

/** The worker was started in safe start and has not run yet: stale cards say "not run". */
export const PausedContext = createContext(false);

/** Node type id → where it runs (`executor` of the library's specs), for the cards' chips. */
export const ExecutorContext = createContext<ReadonlyMap<string, string>>(new Map());

/** Node type ids of generator nodes (sources): their cards offer pause / resume. */
export const StreamContext = createContext<ReadonlySet<string>>(new Set());

/**
 * What a card can do besides editing inputs. The canvas gives the worker's graph's actions; the
 * inside of a composite gives its own (a rename edits the definition, inner nodes do not run or
 * pause on their own). Without a provider a card renames and pauses through its worker.
 */
export interface CardActions {
  /** Rename the node (`properties.name`; empty: the type's name again). */
  rename(uuid: string, name: string): Promise<unknown>;
  /** Pause or resume the node (`properties.paused`); null: no pause toggle on these cards. */
  setPaused: ((uuid: string, paused: boolean) => void) | null;
  /** Open a composite node's inside; null: composites cannot be opened from these cards. */
  openComposite: ((uuid: string) => void) | null;
  /** The cards run their node again or cancel its run. */
  runs: boolean;
}

export const CardActionsContext = createContext<CardActions | null>(null);

/** The card actions of the canvas (or those a worker connection gives by itself). */
export function useCardActions(worker: WorkerConn): CardActions {
  const given = useContext(CardActionsContext);
  if (given) return given;
  return {
    rename: (uuid, name) => worker.client.call('update_node', { uuid, properties: { name }, merge: true }),
    setPaused: (uuid, paused) => void worker.client.call('update_node', { uuid, properties: { paused }, merge: true }).catch(() => undefined),
    openComposite: null,
    runs: true,
  };
}

/** Key of an inner port of a composite: `in`/`out`, node, io. */
export function portKey(kind: 'in' | 'out', uuid: string, io: string): string {
  return `${kind}\u0000${uuid}\u0000${io}`;
}

/** Inside a composite: the inner ports that are the composite's ports (key → port name). */
export const PortsContext = createContext<ReadonlyMap<string, string>>(new Map());
