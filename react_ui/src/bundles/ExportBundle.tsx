// "Export bundle…": what the worker's bundle would hold (a dry run: its node modules and the
// files of its files/ folder, each with its size), the files the user chooses (a total, refused
// over 256 MB), then the bundle itself downloaded as `<id>.nwflow`.
import { useEffect, useState } from 'react';
import { describeError } from '../hooks/useHub';
import type { HubClient } from '../protocol/client';
import type { ExportBundleResult } from '../protocol/generated';
import { Dialog } from './Dialog';
import { bundleFileName, downloadBase64, formatBytes, plural, refuseExport } from './model';

export interface ExportBundleProps {
  client: Pick<HubClient, 'call'>;
  id: string;
  name: string;
  onClose(): void;
  /** Told once the bundle was downloaded. */
  onDone?: (message: string) => void;
}

export function ExportBundleDialog({ client, id, name, onClose, onDone }: ExportBundleProps) {
  const [plan, setPlan] = useState<ExportBundleResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set());
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let cancelled = false;
    client.call('export_bundle', { id, dry_run: true }).then(
      (r) => {
        if (!cancelled) setPlan(r);
      },
      (err: unknown) => {
        if (!cancelled) setError(describeError(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, id]);

  const files = plan?.files_available ?? [];
  const total = files.filter((f) => chosen.has(f.path)).reduce((sum, f) => sum + f.size, 0);
  const refused = refuseExport(total);

  const toggle = (path: string, on: boolean) =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (on) next.add(path);
      else next.delete(path);
      return next;
    });

  const exportNow = async () => {
    if (busy || refused) return;
    setBusy(true);
    setError(null);
    try {
      const picked = files.filter((f) => chosen.has(f.path)).map((f) => f.path);
      const r = await client.call('export_bundle', picked.length ? { id, files: picked } : { id });
      if (!r.data) throw new Error('The hub sent no bundle.');
      const file = bundleFileName(id);
      downloadBase64(r.data, file);
      onDone?.(`Exported ${file} (${formatBytes(r.size ?? 0)})`);
      onClose();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Export ${name} as a bundle`}
      testId="bundle-export-dialog"
      onClose={onClose}
      actions={
        <>
          <button type="button" className="button" data-testid="bundle-export-cancel" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            data-testid="bundle-export-ok"
            disabled={plan === null || busy || refused !== null}
            onClick={() => void exportNow()}
          >
            {busy ? 'Exporting…' : 'Export'}
          </button>
        </>
      }
    >
      <p className="nw-bd-text">
        A <code>.nwflow</code> file with the worker’s saved graph, its node modules, packages and environment variables.{' '}
        <strong>Secrets are never exported.</strong>
      </p>
      {error && (
        <div className="nw-worker-form-error" role="alert" data-testid="bundle-export-error">
          {error}
        </div>
      )}
      {plan === null && !error && <div className="nw-bd-muted">Reading what it holds…</div>}
      {plan && (
        <>
          <div className="nw-bd-section" data-testid="bundle-export-modules">
            <div className="nw-bd-label">Node modules ({plan.modules.length})</div>
            {plan.modules.length === 0 ? (
              <div className="nw-bd-muted">none</div>
            ) : (
              <ul className="nw-bd-list">
                {plan.modules.map((m) => (
                  <li key={m}>
                    <code>{m}</code>
                  </li>
                ))}
              </ul>
            )}
          </div>
          {plan.requirements.length > 0 && (
            <div className="nw-bd-section">
              <div className="nw-bd-label">Packages</div>
              <div className="nw-bd-muted">{plan.requirements.join(', ')}</div>
            </div>
          )}
          <fieldset className="nw-bd-section nw-bd-files">
            <legend className="nw-bd-label">Data files ({files.length})</legend>
            {files.length === 0 ? (
              <div className="nw-bd-muted">Its files/ folder is empty.</div>
            ) : (
              <ul className="nw-bd-list">
                {files.map((f) => (
                  <li key={f.path}>
                    <label className="nw-check nw-bd-file">
                      <input
                        type="checkbox"
                        data-testid="bundle-export-file"
                        data-path={f.path}
                        checked={chosen.has(f.path)}
                        onChange={(e) => toggle(f.path, e.target.checked)}
                      />
                      <code className="nw-bd-path">{f.path}</code>
                      <span className="nw-bd-size">{formatBytes(f.size)}</span>
                    </label>
                  </li>
                ))}
              </ul>
            )}
            <div className="nw-bd-total" data-testid="bundle-export-total" aria-live="polite">
              {plural(chosen.size, 'file')} chosen: {formatBytes(total)}
            </div>
          </fieldset>
          {refused && (
            <div className="nw-worker-form-error" role="alert" data-testid="bundle-export-refused">
              {refused}
            </div>
          )}
        </>
      )}
    </Dialog>
  );
}
