// How the UI words what the worker says about slow or stuck runs: superseded runs still
// finishing, a node moved off the event loop, safe start, and where a node type runs. Pure, so
// it is tested without a DOM.
import type { LibraryResult, MovedOffLoopData, NodeInfo, WorkerRecord } from '../protocol/generated';
import { parseShelves, type Shelf } from '../library/tree';

/** The UI's own field of a NodeInfo: superseded runs of the node still finishing (`stale_runs`). */
export const STALE_RUNS_FIELD = 'stale_runs';

/** Superseded or cancelled runs of the node that are still going (0 when none). */
export function staleRunsOf(info: Readonly<Record<string, unknown>>): number {
  const n = info[STALE_RUNS_FIELD];
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

export const STALE_RUNS_TITLE = 'an earlier run was superseded and is still finishing; its result will be dropped';

/** The card's note: "superseded, finishing" (with the count when there are several); null for none. */
export function staleRunsLabel(count: number): string | null {
  if (!(count > 0)) return null;
  return count > 1 ? `superseded, finishing (${count})` : 'superseded, finishing';
}

/** Seconds as a toast says them: "0.3", "2", "12". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds >= 10) return String(Math.round(seconds));
  const text = seconds < 0.1 ? seconds.toFixed(2) : seconds.toFixed(1);
  return text.replace(/\.?0+$/, '') || '0';
}

/** The toast for `moved_off_loop`. */
export function movedOffLoopMessage(data: Pick<MovedOffLoopData, 'node_id' | 'seconds'>): string {
  const who = data.node_id || 'A node';
  return (
    `${who} blocked the worker for ${formatSeconds(data.seconds)} s — it now runs in a thread. ` +
    `Declare executor='thread' or 'process' in its module.`
  );
}

/** What a card's status badge says: a stale node of a paused worker has "not run". */
export function statusLabel(status: NodeInfo['status'], paused: boolean): string {
  return paused && status === 'stale' ? 'not run' : status;
}

export const SAFE_START_TEXT =
  'Safe start — the graph is loaded and nothing has run. Remove or fix the node that hangs, then run the graph.';

/** The chip a card's header shows for where its type runs; null for the usual (in the worker). */
export interface ExecutorChip {
  label: string;
  title: string;
}

export function executorChip(executor: string | undefined): ExecutorChip | null {
  switch (executor) {
    case 'dask':
      return { label: 'cluster', title: 'runs on the Dask cluster' };
    case 'process':
      return { label: 'process', title: 'runs in a process of its own (stoppable)' };
    default:
      return null;
  }
}

/** Node type id → its executor, for the types that run away from the worker (process, dask). */
export function executorsOf(library: Pick<LibraryResult, 'shelves'> | null): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  const walk = (shelves: readonly Shelf[]) => {
    for (const shelf of shelves) {
      for (const spec of shelf.nodes) if (executorChip(spec.executor)) out.set(spec.id, spec.executor);
      walk(shelf.subshelves);
    }
  };
  if (library) walk(parseShelves(library.shelves));
  return out;
}

/** "hung in demo.spin (abcdef12)" for a worker whose loop hung in a node; null otherwise. */
export function hungNodeText(w: Pick<WorkerRecord, 'hung_node'>): string | null {
  const h = w.hung_node;
  if (!h || typeof h !== 'object') return null;
  const nodeId = typeof h.node_id === 'string' ? h.node_id : '';
  const uuid = typeof h.uuid === 'string' ? h.uuid.slice(0, 8) : '';
  if (!nodeId && !uuid) return null;
  if (!uuid) return `hung in ${nodeId}`;
  return `hung in ${nodeId || 'a node'} (${uuid})`;
}

/** Node type ids of generator nodes (sources that yield values as they come): pausable on their cards. */
export function streamsOf(library: Pick<LibraryResult, 'shelves'> | null): ReadonlySet<string> {
  const out = new Set<string>();
  const walk = (shelves: readonly Shelf[]) => {
    for (const shelf of shelves) {
      for (const spec of shelf.nodes) if (spec.stream) out.add(spec.id);
      walk(shelf.subshelves);
    }
  };
  if (library) walk(parseShelves(library.shelves));
  return out;
}
