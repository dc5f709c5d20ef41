// Importing FuncNodes workflows in the workers panel: the upload form (an export or a
// nodespace.json, an optional name, whether to install its packages), the summary of an import
// with a way to open the new worker, and the FuncNodes workers found on this machine.
import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { FuncNodesWorkerInfo } from '../protocol/generated';
import { IMPORT_ACCEPT, importCounts, plural, refuseFile, requirementsText } from './funcnodes';
import { sameSource, type ImportError, type ImportOutcome, type ImportSource } from './useFuncNodesImport';

export interface ImportFuncNodesFormProps {
  pending: boolean;
  error: string | null;
  onSubmit(file: File, name: string, install: boolean): void;
  /** A problem found before sending (a file too big); null clears it. */
  onInvalid(message: string | null): void;
  onCancel(): void;
}

export function ImportFuncNodesForm({ pending, error, onSubmit, onInvalid, onCancel }: ImportFuncNodesFormProps) {
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [install, setInstall] = useState(false);
  const fileId = useId();
  const fileHintId = useId();
  const nameId = useId();
  const installHintId = useId();
  const errorId = useId();
  const refused = file ? refuseFile(file) : null;

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (pending) return;
    if (!file) {
      onInvalid('Choose a FuncNodes export (.fnw) or a nodespace.json.');
      return;
    }
    onSubmit(file, name, install);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === 'Escape' && !pending) {
      e.preventDefault();
      onCancel();
    }
  };

  return (
    <form
      className="nw-worker-form nw-fn-form"
      data-testid="funcnodes-import-form"
      onSubmit={submit}
      onKeyDown={onKeyDown}
      aria-label="Import FuncNodes workflow"
      noValidate
    >
      <label className="nw-field-label" htmlFor={fileId}>
        FuncNodes workflow
      </label>
      <input
        id={fileId}
        type="file"
        className="nw-file"
        data-testid="funcnodes-import-file"
        accept={IMPORT_ACCEPT}
        disabled={pending}
        aria-invalid={refused ? true : undefined}
        aria-describedby={error ? `${fileHintId} ${errorId}` : fileHintId}
        onChange={(e) => {
          const picked = e.target.files?.[0] ?? null;
          setFile(picked);
          onInvalid(picked ? refuseFile(picked) : null);
        }}
      />
      <p id={fileHintId} className="nw-hint">
        An export (.fnw) or a nodespace.json, up to 2 MB.
      </p>
      <label className="nw-field-label" htmlFor={nameId}>
        Name <span className="nw-optional">optional</span>
      </label>
      <input
        id={nameId}
        className="nw-input"
        data-testid="funcnodes-import-name"
        value={name}
        placeholder="the workflow’s own name"
        autoComplete="off"
        spellCheck={false}
        disabled={pending}
        onChange={(e) => setName(e.target.value)}
      />
      <label className="nw-check">
        <input
          type="checkbox"
          data-testid="funcnodes-import-install"
          checked={install}
          disabled={pending}
          aria-describedby={installHintId}
          onChange={(e) => setInstall(e.target.checked)}
        />
        Install its FuncNodes packages
      </label>
      <p id={installHintId} className="nw-hint">
        Builds the worker’s own environment at its first start (a few minutes); without it, nodes nodeweave lacks
        load as placeholders.
      </p>
      {error && (
        <div id={errorId} className="nw-worker-form-error" data-testid="funcnodes-import-error" role="alert">
          {error}
        </div>
      )}
      <div className="nw-worker-form-actions">
        <button type="button" className="button" onClick={onCancel} disabled={pending}>
          Cancel
        </button>
        <button
          type="submit"
          className="button button-primary"
          data-testid="funcnodes-import-submit"
          disabled={pending || file === null || refused !== null}
        >
          {pending ? 'Importing…' : 'Import'}
        </button>
      </div>
    </form>
  );
}

export interface ImportSummaryProps {
  outcome: ImportOutcome;
  onOpen(id: string): void;
  onClose(): void;
}

export function ImportSummary({ outcome, onOpen, onClose }: ImportSummaryProps) {
  const { result, install } = outcome;
  const titleId = useId();
  const worker = result.worker;
  const requirements = requirementsText(result.requirements, install, result.packages ?? []);
  const dropped = result.dropped_values;
  return (
    <section className="nw-fn-result" data-testid="funcnodes-import-result" aria-labelledby={titleId}>
      <div role="status">
        <div id={titleId} className="nw-fn-result-title">
          Imported <strong>{worker.name}</strong>
        </div>
        <div className="nw-fn-result-counts" data-testid="funcnodes-import-counts">
          {importCounts(result)}
        </div>
      </div>
      {result.files > 0 && (
        <div className="nw-fn-result-line">{plural(result.files, 'data file')} copied into its files/</div>
      )}
      {dropped.length > 0 && (
        <details className="nw-worker-details" data-testid="funcnodes-import-dropped">
          <summary>
            {plural(dropped.length, 'value')} left out (JSON cannot hold {dropped.length === 1 ? 'it' : 'them'})
          </summary>
          <ul className="nw-fn-list">
            {dropped.map((v) => (
              <li key={v}>{v}</li>
            ))}
          </ul>
        </details>
      )}
      {requirements && (
        <div className="nw-fn-result-line" data-testid="funcnodes-import-requirements">
          Requirements: {requirements}
        </div>
      )}
      <div className="nw-fn-result-line nw-fn-result-muted">A new worker, stopped: start it once open.</div>
      <div className="nw-worker-form-actions">
        <button type="button" className="button" data-testid="funcnodes-import-close" onClick={onClose}>
          Done
        </button>
        <button
          type="button"
          className="button button-primary"
          data-testid="funcnodes-import-open"
          aria-label={`Open ${worker.name}`}
          title={`Open ${worker.name} (${worker.id})`}
          onClick={() => onOpen(worker.id)}
        >
          Open
        </button>
      </div>
    </section>
  );
}

export interface FuncNodesFoundProps {
  found: readonly FuncNodesWorkerInfo[];
  pending: ImportSource | null;
  error: ImportError | null;
  connected: boolean;
  onImport(id: string): void;
}

/** The FuncNodes workers of the hub's state directory, importable one by one (hidden when none). */
export function FuncNodesFound({ found, pending, error, connected, onImport }: FuncNodesFoundProps) {
  const [open, setOpen] = useState(false);
  const listId = useId();
  if (found.length === 0) return null;
  return (
    <section className="nw-fn-found" data-testid="funcnodes-found" aria-label="FuncNodes workers on this machine">
      <button
        type="button"
        className="nw-fn-found-toggle"
        data-testid="funcnodes-found-toggle"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="nw-fn-caret" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        FuncNodes workers on this machine
        <span className="nw-count">{found.length}</span>
      </button>
      {open && (
        <div id={listId} className="nw-fn-found-body">
          <p className="nw-hint">Read only: an import copies the workflow into a new worker; nodeweave never changes FuncNodes’ files.</p>
          <ul className="nw-fn-found-list" aria-label="FuncNodes workers">
            {found.map((f) => {
              const busy = sameSource(pending, { kind: 'found', id: f.id });
              const failed = error && sameSource(error.source, { kind: 'found', id: f.id }) ? error.message : null;
              const broken = Boolean(f.error);
              return (
                <li
                  key={f.id}
                  className={`nw-fn-found-item${broken ? ' is-disabled' : ''}`}
                  data-testid="funcnodes-found-item"
                  data-funcnodes-id={f.id}
                  aria-disabled={broken || undefined}
                  title={f.path}
                >
                  <div className="nw-worker-line">
                    <span className="nw-fn-found-name">{f.name}</span>
                    <button
                      type="button"
                      className="button nw-fn-found-import"
                      data-testid="funcnodes-found-import"
                      aria-label={`Import ${f.name}`}
                      title={
                        broken
                          ? 'It cannot be imported'
                          : connected
                            ? 'Copy it into a new nodeweave worker'
                            : 'Not connected to the hub'
                      }
                      disabled={broken || !connected || pending !== null}
                      onClick={() => onImport(f.id)}
                    >
                      {busy ? 'Importing…' : 'Import'}
                    </button>
                  </div>
                  <div className="nw-worker-meta" title={f.requirements.join('\n') || undefined}>
                    {broken ? '' : `${plural(f.nodes, 'node')} · ${plural(f.edges, 'edge')} · `}
                    <span className="nw-fn-id">{f.id}</span>
                  </div>
                  {broken && (
                    <div className="nw-fn-found-reason" data-testid="funcnodes-found-reason">
                      {f.error}
                    </div>
                  )}
                  {failed && (
                    <div className="nw-worker-form-error" data-testid="funcnodes-found-error" role="alert">
                      {failed}
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </section>
  );
}
