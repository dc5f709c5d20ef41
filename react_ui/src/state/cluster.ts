// The Dask cluster a worker's Dask nodes run on: known once one has run (hello.cluster on every
// connection, then the `cluster` event when the worker connects to it).
import type { ClusterData, HelloResult } from '../protocol/generated';

export interface Cluster {
  scheduler: string;
  /** The dashboard's URL, only when it is an http(s) URL (null otherwise). */
  dashboard: string | null;
  workers: number;
  local: boolean;
}

export type ClusterAction =
  | { type: 'hello'; data: Pick<HelloResult, 'cluster'> }
  | { type: 'cluster'; data: ClusterData }
  /** The worker stopped: its cluster is gone. */
  | { type: 'reset' };

function httpUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? value : null;
  } catch {
    return null;
  }
}

/** The cluster from the worker's data; null for none or anything malformed. */
export function parseCluster(data: unknown): Cluster | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const d = data as Record<string, unknown>;
  if (typeof d.scheduler !== 'string' || d.scheduler === '') return null;
  const workers = typeof d.workers === 'number' && Number.isFinite(d.workers) && d.workers >= 0 ? Math.floor(d.workers) : 0;
  return { scheduler: d.scheduler, dashboard: httpUrl(d.dashboard), workers, local: d.local === true };
}

/**
 * The cluster after a worker message: every hello says it afresh (null before any Dask node ran,
 * or after the worker restarted); the `cluster` event sets it.
 */
export function clusterReducer(prev: Cluster | null, action: ClusterAction): Cluster | null {
  switch (action.type) {
    case 'hello':
      return parseCluster(action.data.cluster);
    case 'cluster':
      return parseCluster(action.data) ?? prev;
    case 'reset':
      return null;
  }
}

/** "Dask (local) · 2 workers" */
export function clusterLabel(c: Cluster): string {
  return `Dask${c.local ? ' (local)' : ''} · ${c.workers} ${c.workers === 1 ? 'worker' : 'workers'}`;
}

/** The chip's tooltip: where the scheduler is. */
export function clusterTitle(c: Cluster): string {
  const kind = c.local ? 'a local cluster this worker started' : 'the cluster at this address';
  return `Dask scheduler ${c.scheduler} (${kind}; ${c.workers} ${c.workers === 1 ? 'worker' : 'workers'} when it connected)`;
}
