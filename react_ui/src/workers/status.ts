// What the workers panel shows for a worker record: its status, the commands that fit it, why it
// failed, and a one-line summary. Pure, so the rules are tested without a DOM.
import type { EnvProgressData, WorkerRecord } from '../protocol/generated';

export type WorkerStatus = WorkerRecord['status'];

/** Commands a row can send for its worker (`delete` is always offered). */
export type WorkerAction = 'start' | 'safe-start' | 'stop' | 'restart' | 'delete';

/**
 * The status the panel shows. A stopped worker whose environment failed to build cannot run
 * until the environment is fixed, so it is shown as failed (with the installer's output).
 */
export function displayStatus(w: WorkerRecord): WorkerStatus {
  return w.status === 'stopped' && w.env_error ? 'failed' : w.status;
}

/** What a row's pill says: the live status, or `unknown` while the hub cannot be reached. */
export interface ShownStatus {
  key: WorkerStatus | 'unknown';
  label: string;
  title: string | undefined;
}

export const UNREACHABLE_LABEL = 'unknown (hub unreachable)';

export function shownStatus(w: WorkerRecord, connected: boolean): ShownStatus {
  const status = displayStatus(w);
  if (connected) return { key: status, label: status, title: undefined };
  return {
    key: 'unknown',
    label: UNREACHABLE_LABEL,
    title: `The hub cannot be reached: the last known status was “${status}”`,
  };
}

export interface ActionAvailability {
  start: boolean;
  /** Start without running the graph (to remove or fix a node that hangs). */
  safeStart: boolean;
  stop: boolean;
  restart: boolean;
}

/** Which life-cycle commands fit a status. */
export function availableActions(status: WorkerStatus): ActionAvailability {
  return {
    start: status === 'stopped' || status === 'failed',
    safeStart: status === 'failed',
    stop: status === 'running' || status === 'starting',
    restart: status === 'running',
  };
}

export interface FailureNote {
  text: string;
  /** True when the worker cannot run (failed); false for the last crash of a worker that restarts. */
  severe: boolean;
}

/** Why the worker failed, or what its last crash was; null when there is nothing to say. */
export function failureNote(w: WorkerRecord): FailureNote | null {
  const status = displayStatus(w);
  const error = w.error?.trim();
  if (error) {
    if (status === 'failed') return { text: error, severe: true };
    if (status === 'stopped') return null;
    return { text: `Last crash: ${error}`, severe: false };
  }
  if (w.env_error) return { text: 'Its environment could not be built.', severe: status === 'failed' };
  if (status === 'failed') return { text: 'It failed without saying why; see its log.', severe: true };
  return null;
}

/** Requirements typed one per line: trimmed, without blank lines and `#` comments. */
export function parseRequirements(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line.length > 0);
}

/** A short second line for a worker's row. */
export function workerSummary(w: WorkerRecord): string {
  if (w.status === 'running' && w.port != null) {
    return w.pid != null ? `port ${w.port} · pid ${w.pid}` : `port ${w.port}`;
  }
  const reqs = w.requirements?.length ?? 0;
  if (reqs > 0) return `venv · ${reqs} package${reqs === 1 ? '' : 's'}`;
  return w.venv ? 'venv' : 'hub environment';
}

/** A progress fraction for a `<progress>` (0…1), or null when the stage has no known extent. */
export function progressFraction(p: Pick<EnvProgressData, 'fraction'>): number | null {
  const f = p.fraction;
  if (typeof f !== 'number' || !Number.isFinite(f)) return null;
  return Math.min(1, Math.max(0, f));
}

/** The key of one command in flight (a worker id and an action). */
export function pendingKey(id: string, action: WorkerAction): string {
  return `${action}\u0000${id}`;
}
