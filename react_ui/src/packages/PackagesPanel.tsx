// A worker's packages: the locked environment (requested packages marked, newer versions on
// demand), and changes to it — add, remove, upgrade, roll back — each resolved first as a dry
// run whose difference the user confirms; applying streams the hub's env_progress lines and ends
// with what happened (applied, restarted). Below: the worker's settings (environment variables,
// secrets). A right-hand panel of the workspace, opened from the worker's row or the toolbar.
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { HubClient } from '../protocol/client';
import type { LockDiffData, PackageChangeResult, PackageInfo, PackageListResult, WorkerRecord } from '../protocol/generated';
import { describeError } from '../hooks/useHub';
import {
  diffLines,
  diffSummary,
  opError,
  opTitle,
  progressLine,
  requirementOf,
  sortedPackages,
  type OpError,
  type PackageOp,
} from './model';
import { WorkerSettings } from './WorkerSettings';
import './packages.css';

export interface PackagesPanelProps {
  client: HubClient;
  worker: WorkerRecord;
  /** False while the hub connection is down: commands would fail. */
  connected: boolean;
  onClose(): void;
}

/** The change in hand: resolving, waiting for confirmation, applying, done or failed. */
type Flow =
  | { step: 'planning'; op: PackageOp }
  | { step: 'planned'; op: PackageOp; result: PackageChangeResult }
  | { step: 'applying'; op: PackageOp; diff: LockDiffData | null }
  | { step: 'done'; op: PackageOp; result: PackageChangeResult }
  | { step: 'failed'; op: PackageOp; error: OpError; dryRun: boolean };

/** Progress lines kept while applying (the newest ones). */
const PROGRESS_LINES = 40;

function change(client: HubClient, id: string, op: PackageOp, dryRun: boolean): Promise<PackageChangeResult> {
  const dry_run = dryRun;
  switch (op.kind) {
    case 'add':
      return client.call('add_packages', { id, packages: op.packages, dry_run });
    case 'remove':
      return client.call('remove_packages', { id, packages: op.packages, dry_run });
    case 'upgrade':
      return client.call('upgrade_packages', op.packages.length ? { id, packages: op.packages, dry_run } : { id, dry_run });
    case 'rollback':
      return client.call('rollback_packages', { id, dry_run });
  }
}

export function PackagesPanel({ client, worker, connected, onClose }: PackagesPanelProps) {
  const { id, name } = worker;
  const titleId = useId();
  const [list, setList] = useState<PackageListResult | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  /** Newer versions were asked for (the list is re-read with them after a change). */
  const [outdatedAsked, setOutdatedAsked] = useState(false);
  const [checking, setChecking] = useState(false);
  const [addText, setAddText] = useState('');
  const [flow, setFlow] = useState<Flow | null>(null);
  const [progress, setProgress] = useState<readonly string[]>([]);
  const applying = useRef(false);
  const loadSeq = useRef(0);

  const load = useCallback(
    async (outdated: boolean) => {
      const seq = ++loadSeq.current;
      try {
        const result = await client.call('list_packages', outdated ? { id, outdated: true } : { id });
        if (seq !== loadSeq.current) return;
        setList(result);
        setListError(null);
      } catch (err) {
        if (seq === loadSeq.current) setListError(describeError(err));
      }
    },
    [client, id],
  );

  // (re)read when connected, and when the worker's requirements change (here or elsewhere)
  const requirementsKey = (worker.requirements ?? []).join('\n');
  const outdatedRef = useRef(outdatedAsked);
  outdatedRef.current = outdatedAsked;
  useEffect(() => {
    if (connected) void load(outdatedRef.current);
  }, [connected, load, requirementsKey]);

  // the hub's progress lines for this worker, while a change is applied
  useEffect(
    () =>
      client.on('env_progress', (data) => {
        if (data.id !== id || !applying.current) return;
        setProgress((lines) => [...lines, progressLine(data)].slice(-PROGRESS_LINES));
      }),
    [client, id],
  );

  const busy = checking || flow?.step === 'planning' || flow?.step === 'applying';
  const disabled = busy || !connected;

  const plan = useCallback(
    async (op: PackageOp) => {
      setFlow({ step: 'planning', op });
      try {
        const result = await change(client, id, op, true);
        setFlow({ step: 'planned', op, result });
      } catch (err) {
        setFlow({ step: 'failed', op, error: opError(err), dryRun: true });
      }
    },
    [client, id],
  );

  const apply = useCallback(async () => {
    if (flow?.step !== 'planned') return;
    const { op } = flow;
    applying.current = true;
    setProgress([]);
    setFlow({ step: 'applying', op, diff: flow.result.diff });
    try {
      const result = await change(client, id, op, false);
      setFlow({ step: 'done', op, result });
      if (op.kind === 'add') setAddText('');
    } catch (err) {
      setFlow({ step: 'failed', op, error: opError(err), dryRun: false });
    } finally {
      applying.current = false;
      void load(outdatedRef.current);
    }
  }, [client, id, flow, load]);

  const checkUpdates = async () => {
    setChecking(true);
    setOutdatedAsked(true);
    await load(true);
    setChecking(false);
  };

  const onAdd = (e: FormEvent) => {
    e.preventDefault();
    const req = requirementOf(addText);
    if (req && !disabled) void plan({ kind: 'add', packages: [req] });
  };

  const packages = list ? sortedPackages(list.packages) : [];
  const newer = packages.filter((p) => p.latest).length;
  const offline = connected ? undefined : 'Not connected to the hub';

  return (
    <aside className="nw-pk" data-testid="packages-panel" data-worker-id={id} aria-labelledby={titleId} aria-busy={busy || undefined}>
      <header className="nw-pk-head">
        <h2 className="nw-pk-title" id={titleId}>
          Packages <span className="nw-pk-worker">· {name}</span>
        </h2>
        <button type="button" className="icon-button nw-pk-close" data-testid="packages-close" aria-label="Close the packages panel" title="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="nw-pk-body">
        <form className="nw-pk-add" aria-label="Add a package" onSubmit={onAdd}>
          <input
            className="nw-pk-input"
            data-testid="packages-add-input"
            aria-label="Package to add"
            placeholder="name or name==version"
            spellCheck={false}
            autoComplete="off"
            value={addText}
            onChange={(e) => setAddText(e.target.value)}
          />
          <button
            type="submit"
            className="button"
            data-testid="packages-add"
            title={offline ?? 'Resolve it first and show what would change'}
            disabled={disabled || requirementOf(addText) === null}
          >
            Add…
          </button>
        </form>
        <div className="nw-pk-tools" role="group" aria-label="Package actions">
          <button type="button" className="button" data-testid="packages-check" title={offline ?? 'Ask the package index for newer versions'} disabled={disabled} onClick={() => void checkUpdates()}>
            {checking ? 'Checking…' : 'Check for updates'}
          </button>
          <button
            type="button"
            className="button"
            data-testid="packages-upgrade-all"
            title={offline ?? 'Upgrade every package to its newest fitting version (shows the difference first)'}
            disabled={disabled || packages.length === 0}
            onClick={() => void plan({ kind: 'upgrade', packages: [] })}
          >
            Upgrade all…
          </button>
          <button
            type="button"
            className="button"
            data-testid="packages-rollback"
            title={offline ?? (list?.can_roll_back ? 'Go back to the packages before the last change (shows the difference first)' : 'Nothing to roll back to')}
            disabled={disabled || !list?.can_roll_back}
            onClick={() => void plan({ kind: 'rollback' })}
          >
            Roll back…
          </button>
        </div>
        {flow && (
          <ChangeBlock
            flow={flow}
            progress={progress}
            connected={connected}
            onConfirm={() => void apply()}
            onDismiss={() => setFlow(null)}
          />
        )}
        {listError && (
          <div className="nw-pk-note is-error" role="alert" data-testid="packages-list-error">
            {listError}
          </div>
        )}
        {outdatedAsked && list && !checking && (
          <div className="nw-pk-note" data-testid="packages-outdated-note" role="status">
            {list.outdated_checked === false
              ? 'The package index could not be reached: no newer versions known.'
              : newer === 0
                ? 'Everything is up to date.'
                : `${newer} package${newer === 1 ? ' has a' : 's have'} newer version${newer === 1 ? '' : 's'}.`}
          </div>
        )}
        {list === null && !listError ? (
          <div className="nw-pk-note">Loading packages…</div>
        ) : list && packages.length === 0 ? (
          <div className="nw-pk-note" data-testid="packages-empty">
            {list.locked ? 'No packages yet: add one above.' : 'Not resolved yet: the environment is built at the first start, or when a package is added.'}
          </div>
        ) : (
          packages.length > 0 && (
            <ul className="nw-pk-list" aria-label={`Packages of ${name}`} data-testid="packages-list">
              {packages.map((p) => (
                <PackageRow
                  key={p.name}
                  pkg={p}
                  disabled={disabled}
                  onUpgrade={() => void plan({ kind: 'upgrade', packages: [p.name] })}
                  onRemove={() => void plan({ kind: 'remove', packages: [p.name] })}
                />
              ))}
            </ul>
          )
        )}
        <WorkerSettings client={client} worker={worker} connected={connected} />
      </div>
    </aside>
  );
}

function PackageRow({ pkg, disabled, onUpgrade, onRemove }: { pkg: PackageInfo; disabled: boolean; onUpgrade(): void; onRemove(): void }) {
  return (
    <li className={pkg.requested ? 'nw-pk-row is-requested' : 'nw-pk-row'} data-testid="package-row" data-name={pkg.name} data-requested={pkg.requested ? 'true' : 'false'}>
      <span className="nw-pk-name" title={pkg.requested ? `${pkg.name}: one of the worker’s requirements` : `${pkg.name}: a dependency`}>
        {pkg.name}
      </span>
      <span className="nw-pk-version" data-testid="package-version">
        {pkg.version ?? 'path or URL'}
      </span>
      {pkg.requested && (
        <span className="nw-pk-chip" data-testid="package-requested" title="One of the worker’s requirements (the others are their dependencies)">
          requested
        </span>
      )}
      {pkg.latest && (
        <span className="nw-pk-chip is-newer" data-testid="package-newer" title={`A newer version is on the package index: ${pkg.latest}`}>
          newer: {pkg.latest}
        </span>
      )}
      <span className="nw-pk-row-actions">
        {(pkg.requested || pkg.latest) && (
          <button type="button" className="button nw-pk-small" data-testid="package-upgrade" aria-label={`Upgrade ${pkg.name}`} title="Upgrade to the newest fitting version (shows the difference first)" disabled={disabled} onClick={onUpgrade}>
            Upgrade
          </button>
        )}
        {pkg.requested && (
          <button type="button" className="button nw-pk-small nw-pk-remove" data-testid="package-remove" aria-label={`Remove ${pkg.name}`} title="Remove it (shows the difference first)" disabled={disabled} onClick={onRemove}>
            Remove
          </button>
        )}
      </span>
    </li>
  );
}

function DiffList({ diff }: { diff: LockDiffData }) {
  const lines = diffLines(diff);
  if (lines.length === 0) {
    return (
      <div className="nw-pk-diff-none" data-testid="packages-diff-empty">
        No installed package changes.
      </div>
    );
  }
  const sign = { added: '+', removed: '−', changed: '~' } as const;
  return (
    <ul className="nw-pk-diff" data-testid="packages-diff" aria-label={`Changes: ${diffSummary(diff)}`}>
      {lines.map((l) => (
        <li key={`${l.kind}:${l.name}`} className={`nw-pk-diff-${l.kind}`} data-testid="packages-diff-line" data-kind={l.kind} data-name={l.name}>
          <span className="nw-pk-diff-sign" aria-hidden="true">
            {sign[l.kind]}
          </span>
          <span className="nw-pk-diff-kind">{l.kind}</span>
          <span className="nw-pk-diff-name">{l.name}</span>
          <span className="nw-pk-diff-version">{l.text}</span>
        </li>
      ))}
    </ul>
  );
}

interface ChangeBlockProps {
  flow: Flow;
  progress: readonly string[];
  connected: boolean;
  onConfirm(): void;
  onDismiss(): void;
}

function ChangeBlock({ flow, progress, connected, onConfirm, onDismiss }: ChangeBlockProps) {
  const title = opTitle(flow.op);
  const progressRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const el = progressRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [progress]);
  return (
    <div className={`nw-pk-change is-${flow.step}`} data-testid="packages-change" data-step={flow.step} data-op={flow.op.kind}>
      <div className="nw-pk-change-title">
        <strong>{title}</strong>
        <span className="nw-pk-change-state">
          {flow.step === 'planning'
            ? 'resolving…'
            : flow.step === 'planned'
              ? `dry run: ${diffSummary(flow.result.diff)}`
              : flow.step === 'applying'
                ? 'applying…'
                : flow.step === 'done'
                  ? ''
                  : flow.dryRun
                    ? 'could not be resolved'
                    : 'failed: nothing changed'}
        </span>
      </div>
      {flow.step === 'planned' && <DiffList diff={flow.result.diff} />}
      {flow.step === 'applying' && flow.diff && <DiffList diff={flow.diff} />}
      {flow.step === 'applying' && (
        <>
          <progress className="nw-pk-bar" aria-label={`${title}: applying`} />
          <ol className="nw-pk-progress" data-testid="packages-progress" ref={progressRef} aria-live="polite" aria-label="Progress">
            {progress.length === 0 ? <li className="is-waiting">building the new environment…</li> : progress.map((line, i) => <li key={i}>{line}</li>)}
          </ol>
        </>
      )}
      {flow.step === 'done' && (
        <>
          <div className="nw-pk-result" data-testid="packages-result" role="status">
            {flow.result.applied ? (flow.result.restarted ? 'applied; restarted' : 'applied; the worker is not running: it starts with them') : 'nothing applied'}
          </div>
          <DiffList diff={flow.result.diff} />
        </>
      )}
      {flow.step === 'failed' && (
        <div className="nw-pk-error" data-testid="packages-error" data-code={flow.error.code ?? ''} role="alert">
          <div className="nw-pk-error-message">
            {flow.error.message}
            {flow.error.code && <span className="nw-pk-error-code"> ({flow.error.code})</span>}
          </div>
          {flow.error.output && (
            <details className="nw-pk-output" data-testid="packages-error-output" open>
              <summary>Installer output</summary>
              <pre>{flow.error.output}</pre>
            </details>
          )}
        </div>
      )}
      <div className="nw-pk-change-actions">
        {flow.step === 'planned' ? (
          <>
            <button type="button" className="button" data-testid="packages-cancel" onClick={onDismiss}>
              Cancel
            </button>
            <button type="button" className="button button-primary" data-testid="packages-confirm" disabled={!connected} title={connected ? 'Apply it: the environment is rebuilt beside the current one and a running worker restarts' : 'Not connected to the hub'} onClick={onConfirm}>
              Confirm
            </button>
          </>
        ) : flow.step === 'done' || flow.step === 'failed' ? (
          <button type="button" className="button" data-testid="packages-dismiss" onClick={onDismiss}>
            Dismiss
          </button>
        ) : null}
      </div>
    </div>
  );
}
