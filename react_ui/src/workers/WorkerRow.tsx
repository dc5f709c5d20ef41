// One worker in the list: name, status pill, life-cycle buttons, environment progress, why it
// failed, and (on demand) the tail of its log.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { HubClient } from '../protocol/client';
import type { EnvProgressData, WorkerRecord } from '../protocol/generated';
import { DeleteIcon, LogsIcon, OpenIcon, PackagesIcon, RestartIcon, StartIcon, StopIcon } from './icons';
import {
  availableActions,
  displayStatus,
  failureNote,
  progressFraction,
  shownStatus,
  workerSummary,
  type WorkerAction,
} from './status';
import { WorkerLog } from './WorkerLog';
import { hungNodeText } from '../state/runs';

export interface WorkerRowProps {
  worker: WorkerRecord;
  /** The latest environment-build progress, while it builds. */
  progress: EnvProgressData | undefined;
  selected: boolean;
  /** False while the hub connection is down: commands would fail. */
  connected: boolean;
  client: HubClient;
  isPending(id: string, action: WorkerAction): boolean;
  onOpen(id: string): void;
  onAction(worker: WorkerRecord, action: 'start' | 'safe-start' | 'stop' | 'restart'): void;
  onDelete(worker: WorkerRecord): void;
  /** Open the worker's packages and settings (no button without it). */
  onPackages?: ((id: string) => void) | undefined;
  /** Its packages panel is open. */
  packagesOpen?: boolean;
}

export function WorkerRow({
  worker,
  progress,
  selected,
  connected,
  client,
  isPending,
  onOpen,
  onAction,
  onDelete,
  onPackages,
  packagesOpen = false,
}: WorkerRowProps) {
  const [logsOpen, setLogsOpen] = useState(false);
  const rowRef = useRef<HTMLLIElement>(null);
  // The open worker stays in view in a long list (e.g. opened from the URL).
  useEffect(() => {
    if (selected) rowRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [selected]);
  const { id, name } = worker;
  const status = displayStatus(worker);
  const shown = shownStatus(worker, connected);
  const can = availableActions(status);
  const note = failureNote(worker);
  const hung = status === 'failed' ? hungNodeText(worker) : null;
  const safe = worker.safe === true && (status === 'running' || status === 'starting');
  const deleting = isPending(id, 'delete');
  const offline = connected ? undefined : 'Not connected to the hub';

  const button = (
    action: WorkerAction,
    label: string,
    icon: ReactNode,
    onClick: () => void,
    extraClass = '',
  ) => (
    <button
      type="button"
      className={`icon-button nw-worker-btn ${extraClass}`}
      data-testid={`worker-${action}`}
      aria-label={`${label} ${name}`}
      title={offline ?? label}
      disabled={!connected || isPending(id, action) || deleting}
      onClick={onClick}
    >
      {icon}
    </button>
  );

  const classes = ['nw-worker', `nw-worker-${status}`];
  if (selected) classes.push('is-selected');
  if (deleting) classes.push('is-deleting');

  return (
    <li
      ref={rowRef}
      className={classes.join(' ')}
      data-testid="worker-row"
      data-worker-id={id}
      data-status={status}
      data-shown-status={shown.key}
      aria-current={selected ? 'true' : undefined}
      aria-busy={deleting || undefined}
    >
      <div className="nw-worker-line">
        <button
          type="button"
          className="nw-worker-name"
          data-testid="worker-name"
          title={`Open ${name} (${id})`}
          onClick={() => onOpen(id)}
        >
          {name}
        </button>
        <span
          className={`nw-worker-pill nw-pill-${shown.key}`}
          data-testid="worker-status"
          data-status={shown.key}
          title={shown.title}
        >
          {shown.label}
        </span>
        {safe && (
          <span
            className="nw-worker-chip"
            data-testid="worker-safe"
            title="Started in safe start: its graph runs only once someone runs it from the worker’s page"
          >
            safe start
          </span>
        )}
      </div>
      <div className="nw-worker-line nw-worker-sub">
        <span className="nw-worker-meta" title={worker.requirements?.join('\n') || undefined}>
          {workerSummary(worker)}
        </span>
        <div className="nw-worker-actions" role="group" aria-label={`Actions for ${name}`}>
          <button
            type="button"
            className="icon-button nw-worker-btn"
            data-testid="worker-open"
            aria-label={`Open ${name}`}
            title="Open"
            disabled={deleting}
            onClick={() => onOpen(id)}
          >
            <OpenIcon />
          </button>
          {can.start && button('start', 'Start', <StartIcon />, () => onAction(worker, 'start'), 'nw-worker-btn-start')}
          {can.stop && button('stop', 'Stop', <StopIcon />, () => onAction(worker, 'stop'))}
          {can.restart && button('restart', 'Restart', <RestartIcon />, () => onAction(worker, 'restart'))}
          <button
            type="button"
            className={`icon-button nw-worker-btn${logsOpen ? ' is-on' : ''}`}
            data-testid="worker-logs"
            aria-label={`${logsOpen ? 'Hide' : 'Show'} the log of ${name}`}
            aria-pressed={logsOpen}
            title={logsOpen ? 'Hide log' : 'Show log'}
            onClick={() => setLogsOpen((open) => !open)}
          >
            <LogsIcon />
          </button>
          {onPackages && (
            <button
              type="button"
              className={`icon-button nw-worker-btn${packagesOpen ? ' is-on' : ''}`}
              data-testid="worker-packages"
              aria-label={`Packages and settings of ${name}`}
              aria-pressed={packagesOpen}
              title="Packages and settings"
              disabled={deleting}
              onClick={() => onPackages(id)}
            >
              <PackagesIcon />
            </button>
          )}
          {button('delete', 'Delete', <DeleteIcon />, () => onDelete(worker), 'nw-worker-btn-delete')}
        </div>
      </div>
      {progress && <EnvProgress progress={progress} name={name} />}
      {note && (
        <div className={note.severe ? 'nw-worker-failure' : 'nw-worker-failure is-mild'}>
          <div
            className="nw-worker-error"
            data-testid="worker-error"
            title={note.text}
          >
            {note.text}
          </div>
          {hung && (
            <div className="nw-worker-hung" data-testid="worker-hung" title={hung}>
              {hung}
            </div>
          )}
          {can.safeStart && !worker.env_error && (
            <button
              type="button"
              className="button nw-worker-safe-start"
              data-testid="worker-safe-start"
              title={offline ?? 'Load the graph without running any node, to remove or fix the one that hangs'}
              disabled={!connected || isPending(id, 'safe-start') || isPending(id, 'start') || deleting}
              onClick={() => onAction(worker, 'safe-start')}
            >
              Safe start
            </button>
          )}
          {worker.env_error && (
            <details className="nw-worker-details" data-testid="worker-env-error">
              <summary>Installer output</summary>
              <pre>{worker.env_error}</pre>
            </details>
          )}
          {status === 'failed' && !worker.env_error && worker.log_tail && worker.log_tail.length > 0 && (
            <details className="nw-worker-details">
              <summary>Last output</summary>
              <pre>{worker.log_tail.join('\n')}</pre>
            </details>
          )}
        </div>
      )}
      {logsOpen && <WorkerLog client={client} worker={worker} onClose={() => setLogsOpen(false)} />}
    </li>
  );
}

function EnvProgress({ progress, name }: { progress: EnvProgressData; name: string }) {
  const fraction = progressFraction(progress);
  return (
    <div className="nw-worker-env" data-testid="worker-env-progress" data-stage={progress.stage}>
      <div className="nw-worker-env-text" title={progress.message}>
        <span className="nw-worker-env-stage">{progress.stage}</span>
        {progress.message && <span className="nw-worker-env-message">{progress.message}</span>}
      </div>
      <progress
        className="nw-worker-env-bar"
        max={1}
        value={fraction ?? undefined}
        aria-label={`Building the environment of ${name}: ${progress.stage}`}
      />
    </div>
  );
}
