// "Import bundle…" in the workers panel: pick a `.nwflow` (up to 2 MB; bigger ones on the
// command line), read it (`read_bundle`, nothing written) and show what it holds — above all
// its node modules, which run with the user's rights once the worker starts, each readable —
// then, once confirmed, `import_bundle` makes a new (stopped) worker of it, summed up with a
// way to open it.
import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { describeError } from '../hooks/useHub';
import type { HubClient } from '../protocol/client';
import type { ImportBundleArgs, ImportBundleResult, ReadBundleResult } from '../protocol/generated';
import { readBase64 } from '../workers/funcnodes';
import { BUNDLE_ACCEPT, documentNodeCount, plural, refuseBundle, TRUST_STATEMENT } from './model';
import { TrustStatement } from './TrustStatement';

export interface ImportBundleProps {
  client: Pick<HubClient, 'call'>;
  onOpen(id: string): void;
  onClose(): void;
}

type Step =
  | { step: 'pick' }
  | { step: 'review'; data: string; fileName: string; bundle: ReadBundleResult }
  | { step: 'done'; result: ImportBundleResult };

export function ImportBundle({ client, onOpen, onClose }: ImportBundleProps) {
  const [step, setStep] = useState<Step>({ step: 'pick' });
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [install, setInstall] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fileId = useId();
  const fileHintId = useId();
  const nameId = useId();
  const installHintId = useId();
  const errorId = useId();
  const refused = file ? refuseBundle(file) : null;

  const read = async (e?: FormEvent) => {
    e?.preventDefault();
    if (pending) return;
    if (!file) {
      setError('Choose a bundle (.nwflow).');
      return;
    }
    if (refused) {
      setError(refused);
      return;
    }
    setPending(true);
    setError(null);
    try {
      const data = await readBase64(file);
      const bundle = await client.call('read_bundle', { data });
      setStep({ step: 'review', data, fileName: file.name, bundle });
    } catch (err) {
      setError(describeError(err));
    } finally {
      setPending(false);
    }
  };

  const importNow = async (data: string) => {
    if (pending) return;
    setPending(true);
    setError(null);
    const args: ImportBundleArgs = { data };
    const trimmed = name.trim();
    if (trimmed) args.name = trimmed;
    if (install) args.install = true;
    try {
      const result = await client.call('import_bundle', args);
      setStep({ step: 'done', result });
    } catch (err) {
      setError(describeError(err));
    } finally {
      setPending(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === 'Escape' && !pending) {
      e.preventDefault();
      onClose();
    }
  };

  const errorBox = error && (
    <div id={errorId} className="nw-worker-form-error" data-testid="bundle-import-error" role="alert">
      {error}
    </div>
  );

  if (step.step === 'done') {
    const r = step.result;
    return (
      <section className="nw-fn-result" data-testid="bundle-import-result" aria-label="Imported bundle">
        <div role="status">
          <div className="nw-fn-result-title">
            Imported <strong>{r.worker.name}</strong>
          </div>
          <div className="nw-fn-result-counts" data-testid="bundle-import-counts">
            {plural(r.nodes, 'node')}, {plural(r.modules.length, 'node module')}, {plural(r.files.length, 'data file')}
          </div>
        </div>
        {r.modules.length > 0 && <div className="nw-fn-result-line">Modules: {r.modules.join(', ')}</div>}
        {r.requirements.length > 0 && (
          <div className="nw-fn-result-line" data-testid="bundle-import-requirements">
            Packages: {r.requirements.join(', ')} —{' '}
            {r.installed ? 'installed into its own environment at its first start' : 'not installed (import again with “Install its packages”)'}
          </div>
        )}
        <div className="nw-fn-result-line nw-fn-result-muted">
          Written by nodeweave {r.written_by}. A new worker, stopped: start it once open.
        </div>
        <div className="nw-worker-form-actions">
          <button type="button" className="button" data-testid="bundle-import-close" onClick={onClose}>
            Done
          </button>
          <button
            type="button"
            className="button button-primary"
            data-testid="bundle-import-open"
            aria-label={`Open ${r.worker.name}`}
            title={`Open ${r.worker.name} (${r.worker.id})`}
            onClick={() => {
              onOpen(r.worker.id);
              onClose();
            }}
          >
            Open
          </button>
        </div>
      </section>
    );
  }

  if (step.step === 'review') {
    const b = step.bundle;
    const moduleCount = Object.keys(b.modules).length;
    return (
      <section className="nw-worker-form nw-bd-review" data-testid="bundle-import-review" aria-label={`Import ${step.fileName}`} onKeyDown={onKeyDown}>
        <div className="nw-fn-result-title">
          <strong>{b.name}</strong> <span className="nw-bd-muted">({step.fileName}, written by nodeweave {b.written_by})</span>
        </div>
        <div className="nw-fn-result-line" data-testid="bundle-import-holds">
          {plural(documentNodeCount(b.document), 'node')}, {plural(moduleCount, 'node module')}, {plural(b.files.length, 'data file')}
          {b.requirements.length > 0 ? `; packages: ${b.requirements.join(', ')}` : ''}
        </div>
        {moduleCount > 0 ? (
          <TrustStatement modules={b.modules} statement={TRUST_STATEMENT} />
        ) : (
          <p className="nw-hint">It holds no node modules: only the graph, its settings and files are written.</p>
        )}
        {errorBox}
        <div className="nw-worker-form-actions">
          <button type="button" className="button" data-testid="bundle-import-cancel" onClick={onClose} disabled={pending}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            data-testid="bundle-import-confirm"
            disabled={pending}
            onClick={() => void importNow(step.data)}
          >
            {pending ? 'Importing…' : moduleCount > 0 ? 'Trust and import' : 'Import'}
          </button>
        </div>
      </section>
    );
  }

  return (
    <form className="nw-worker-form nw-fn-form" data-testid="bundle-import-form" onSubmit={(e) => void read(e)} onKeyDown={onKeyDown} aria-label="Import bundle" noValidate>
      <label className="nw-field-label" htmlFor={fileId}>
        Bundle
      </label>
      <input
        id={fileId}
        type="file"
        className="nw-file"
        data-testid="bundle-import-file"
        accept={BUNDLE_ACCEPT}
        disabled={pending}
        aria-invalid={refused ? true : undefined}
        aria-describedby={error ? `${fileHintId} ${errorId}` : fileHintId}
        onChange={(e) => {
          const picked = e.target.files?.[0] ?? null;
          setFile(picked);
          setError(picked ? refuseBundle(picked) : null);
        }}
      />
      <p id={fileHintId} className="nw-hint">
        A nodeweave bundle (.nwflow), up to 2 MB; bigger ones: <code>nodeweave import FILE</code>.
      </p>
      <label className="nw-field-label" htmlFor={nameId}>
        Name <span className="nw-optional">optional</span>
      </label>
      <input
        id={nameId}
        className="nw-input"
        data-testid="bundle-import-name"
        value={name}
        placeholder="the bundle’s own name"
        autoComplete="off"
        spellCheck={false}
        disabled={pending}
        onChange={(e) => setName(e.target.value)}
      />
      <label className="nw-check">
        <input
          type="checkbox"
          data-testid="bundle-import-install"
          checked={install}
          disabled={pending}
          aria-describedby={installHintId}
          onChange={(e) => setInstall(e.target.checked)}
        />
        Install its packages
      </label>
      <p id={installHintId} className="nw-hint">
        Builds the worker’s own environment from the bundle’s lock at its first start.
      </p>
      {errorBox}
      <div className="nw-worker-form-actions">
        <button type="button" className="button" onClick={onClose} disabled={pending}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" data-testid="bundle-import-read" disabled={pending || file === null || refused !== null}>
          {pending ? 'Reading…' : 'Next…'}
        </button>
      </div>
    </form>
  );
}
