// The hub's worker list: `list_workers` results plus `worker_status` / `worker_deleted`.
import type { HubEvents, WorkerList, WorkerRecord } from '../protocol/generated';

export interface WorkersState {
  byId: Readonly<Record<string, WorkerRecord>>;
  /** Latest environment-build progress per worker (from `env_progress`). */
  envProgress: Readonly<Record<string, HubEvents['env_progress']>>;
  needsRefetch: boolean;
  loaded: boolean;
}

export type WorkersAction =
  | { type: 'list'; workers: WorkerList }
  | { type: 'resync' }
  | {
      [K in keyof HubEvents]: { type: 'event'; event: K; data: HubEvents[K] };
    }[keyof HubEvents];

export const initialWorkersState: WorkersState = {
  byId: {},
  envProgress: {},
  needsRefetch: false,
  loaded: false,
};

export function workersReducer(state: WorkersState, action: WorkersAction): WorkersState {
  switch (action.type) {
    case 'list': {
      const byId: Record<string, WorkerRecord> = {};
      for (const w of action.workers) byId[w.id] = w;
      const envProgress = Object.fromEntries(
        Object.entries(state.envProgress).filter(([id]) => id in byId),
      );
      return { byId, envProgress, needsRefetch: false, loaded: true };
    }
    case 'resync':
      return state.needsRefetch ? state : { ...state, needsRefetch: true };
    case 'event':
      switch (action.event) {
        case 'worker_status': {
          const w = action.data;
          const envProgress =
            w.status !== 'starting' && w.id in state.envProgress
              ? Object.fromEntries(Object.entries(state.envProgress).filter(([id]) => id !== w.id))
              : state.envProgress;
          return { ...state, byId: { ...state.byId, [w.id]: w }, envProgress };
        }
        case 'worker_deleted': {
          const id = action.data.id;
          if (!(id in state.byId) && !(id in state.envProgress)) return state;
          const { [id]: _gone, ...byId } = state.byId;
          const { [id]: _p, ...envProgress } = state.envProgress;
          return { ...state, byId, envProgress };
        }
        case 'env_progress':
          return {
            ...state,
            envProgress: { ...state.envProgress, [action.data.id]: action.data },
          };
        default:
          return state;
      }
    default:
      return state;
  }
}

/** Workers sorted by name, then id. */
export function workerList(state: WorkersState): WorkerRecord[] {
  return Object.values(state.byId).sort(
    (a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
  );
}
