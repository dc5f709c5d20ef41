// A worker's settings: its environment variables (KEY=VALUE rows, saved with update_worker) and
// its secrets (names only: a value is typed into a password field, sent once with set_secret and
// cleared — it is never kept in React state, shown or read back). Both apply at the next start.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { describeError } from '../hooks/useHub';
import type { HubClient } from '../protocol/client';
import type { WorkerRecord } from '../protocol/generated';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { ENV_NAME, ENV_NAME_HINT, envOf, envRow, envRows, sameEnv, type EnvRow } from './model';

export interface WorkerSettingsProps {
  client: HubClient;
  worker: WorkerRecord;
  connected: boolean;
}

type Note = { kind: 'ok' | 'error'; text: string } | null;

export function WorkerSettings({ client, worker, connected }: WorkerSettingsProps) {
  const { id, name } = worker;
  const headId = useId();
  const running = worker.status === 'running';

  // --- environment variables ---
  const [rows, setRows] = useState<EnvRow[]>(() => envRows(worker.env));
  const [envBusy, setEnvBusy] = useState(false);
  const [envNote, setEnvNote] = useState<Note>(null);
  /** Saved since the worker last started: its process does not have them yet. */
  const [pendingRestart, setPendingRestart] = useState(false);
  const [restarting, setRestarting] = useState(false);
  /** The variables as last saved (the record's, or this panel's save). */
  const [saved, setSaved] = useState<Readonly<Record<string, string>>>(() => worker.env ?? {});
  const parsed = envOf(rows);
  const dirty = 'error' in parsed || !sameEnv(parsed.env, saved);
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  // the record changed (saved here, in another tab, by the CLI): show it unless the user is editing
  const envKey = JSON.stringify(worker.env ?? {});
  const latestEnv = useRef(worker.env);
  latestEnv.current = worker.env;
  useEffect(() => {
    const env = latestEnv.current ?? {};
    setSaved(env);
    if (!dirtyRef.current) setRows(envRows(env));
  }, [envKey]);

  const setRow = (rid: number, patch: Partial<Omit<EnvRow, 'rid'>>) =>
    setRows((rs) => rs.map((r) => (r.rid === rid ? { ...r, ...patch } : r)));

  const saveEnv = async (e: FormEvent) => {
    e.preventDefault();
    if (!('env' in parsed)) {
      setEnvNote({ kind: 'error', text: parsed.error });
      return;
    }
    setEnvBusy(true);
    try {
      const record = await client.call('update_worker', { id, env: parsed.env });
      const env = record.env ?? parsed.env;
      setSaved(env);
      setRows(envRows(env));
      setEnvNote({ kind: 'ok', text: 'Saved: applied at the next start.' });
      setPendingRestart(true);
    } catch (err) {
      setEnvNote({ kind: 'error', text: describeError(err) });
    } finally {
      setEnvBusy(false);
    }
  };

  const restart = async () => {
    setRestarting(true);
    try {
      await client.call('restart_worker', { id });
      setPendingRestart(false);
      setEnvNote({ kind: 'ok', text: 'Restarted with the new settings.' });
    } catch (err) {
      setEnvNote({ kind: 'error', text: describeError(err) });
    } finally {
      setRestarting(false);
    }
  };

  // --- secrets ---
  const [names, setNames] = useState<readonly string[]>(() => worker.secrets ?? []);
  const secretsKey = (worker.secrets ?? []).join('\n');
  useEffect(() => {
    setNames(secretsKey ? secretsKey.split('\n') : []);
  }, [secretsKey]);
  useEffect(() => {
    if (!connected) return;
    let cancelled = false;
    client.call('list_secrets', { id }).then(
      (r) => {
        if (!cancelled) setNames(r.names);
      },
      () => undefined, // the record's names stay
    );
    return () => {
      cancelled = true;
    };
  }, [client, id, connected]);
  const [secretName, setSecretName] = useState('');
  /** Whether the value field has something: the value itself stays in the field only. */
  const [hasValue, setHasValue] = useState(false);
  const valueRef = useRef<HTMLInputElement>(null);
  const [secretBusy, setSecretBusy] = useState(false);
  const [secretNote, setSecretNote] = useState<Note>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const nameOk = ENV_NAME.test(secretName.trim());

  const addSecret = async (e: FormEvent) => {
    e.preventDefault();
    const field = valueRef.current;
    const secret = secretName.trim();
    if (!field || !nameOk || !hasValue) return;
    const value = field.value;
    // cleared as it is sent: the value is in no state, and not on the page afterwards
    field.value = '';
    setHasValue(false);
    setSecretBusy(true);
    try {
      const r = await client.call('set_secret', { id, name: secret, value });
      setNames(r.names);
      setSecretName('');
      setSecretNote({ kind: 'ok', text: `Secret ${secret} saved: applied at the next start.` });
      setPendingRestart(true);
    } catch (err) {
      setSecretNote({ kind: 'error', text: `${describeError(err)} — type the value again.` });
    } finally {
      setSecretBusy(false);
    }
  };

  const deleteSecret = async (secret: string) => {
    setConfirmDelete(null);
    setSecretBusy(true);
    try {
      const r = await client.call('delete_secret', { id, name: secret });
      setNames(r.names);
      setSecretNote({ kind: 'ok', text: `Secret ${secret} deleted: applied at the next start.` });
      setPendingRestart(true);
    } catch (err) {
      setSecretNote({ kind: 'error', text: describeError(err) });
    } finally {
      setSecretBusy(false);
    }
  };

  const offline = connected ? undefined : 'Not connected to the hub';

  return (
    <section className="nw-pk-settings" data-testid="worker-settings" aria-labelledby={headId}>
      <h3 className="nw-pk-section" id={headId}>
        Settings
      </h3>
      <form className="nw-pk-env" aria-label={`Environment variables of ${name}`} data-testid="env-form" onSubmit={(e) => void saveEnv(e)}>
        <div className="nw-pk-subhead">Environment variables</div>
        {rows.length === 0 && <div className="nw-pk-note is-small">None set.</div>}
        {rows.map((r, i) => (
          <div className="nw-pk-env-row" key={r.rid} data-testid="env-row">
            <input
              className="nw-pk-input nw-pk-env-key"
              data-testid="env-key"
              aria-label={`Variable ${i + 1} name`}
              placeholder="KEY"
              spellCheck={false}
              autoComplete="off"
              aria-invalid={r.key.trim() !== '' && !ENV_NAME.test(r.key.trim()) ? true : undefined}
              title={ENV_NAME_HINT}
              value={r.key}
              onChange={(e) => setRow(r.rid, { key: e.target.value })}
            />
            <span className="nw-pk-eq" aria-hidden="true">
              =
            </span>
            <input
              className="nw-pk-input nw-pk-env-value"
              data-testid="env-value"
              aria-label={`Variable ${i + 1} value`}
              placeholder="value"
              spellCheck={false}
              autoComplete="off"
              value={r.value}
              onChange={(e) => setRow(r.rid, { value: e.target.value })}
            />
            <button
              type="button"
              className="icon-button nw-pk-env-remove"
              data-testid="env-remove"
              aria-label={`Remove variable ${r.key.trim() || i + 1}`}
              title="Remove"
              onClick={() => setRows((rs) => rs.filter((x) => x.rid !== r.rid))}
            >
              ×
            </button>
          </div>
        ))}
        <div className="nw-pk-form-actions">
          <button type="button" className="button" data-testid="env-add" onClick={() => setRows((rs) => [...rs, envRow()])}>
            + Variable
          </button>
          <span className="spacer" />
          <button type="submit" className="button button-primary" data-testid="env-save" title={offline ?? 'Save (applied at the next start)'} disabled={!connected || envBusy || !dirty}>
            Save
          </button>
        </div>
        {envNote && (
          <div className={`nw-pk-note is-small${envNote.kind === 'error' ? ' is-error' : ''}`} data-testid="env-note" role={envNote.kind === 'error' ? 'alert' : 'status'}>
            {envNote.text}
          </div>
        )}
      </form>
      <div className="nw-pk-secrets" data-testid="secrets">
        <div className="nw-pk-subhead">Secrets</div>
        {names.length === 0 ? (
          <div className="nw-pk-note is-small">None set.</div>
        ) : (
          <ul className="nw-pk-secret-list" aria-label={`Secrets of ${name}`}>
            {names.map((n) => (
              <li key={n} className="nw-pk-secret" data-testid="secret-row" data-name={n}>
                <span className="nw-pk-name">{n}</span>
                <span className="nw-pk-secret-mask" aria-label="value hidden">
                  ••••••
                </span>
                <button
                  type="button"
                  className="button nw-pk-small nw-pk-remove"
                  data-testid="secret-delete"
                  aria-label={`Delete secret ${n}`}
                  title={offline ?? 'Delete this secret'}
                  disabled={!connected || secretBusy}
                  onClick={() => setConfirmDelete(n)}
                >
                  Delete
                </button>
              </li>
            ))}
          </ul>
        )}
        <form className="nw-pk-secret-form" aria-label="Add secret" data-testid="secret-form" onSubmit={(e) => void addSecret(e)}>
          <input
            className="nw-pk-input nw-pk-env-key"
            data-testid="secret-name"
            aria-label="Secret name"
            placeholder="NAME"
            spellCheck={false}
            autoComplete="off"
            title={ENV_NAME_HINT}
            aria-invalid={secretName.trim() !== '' && !nameOk ? true : undefined}
            value={secretName}
            onChange={(e) => setSecretName(e.target.value)}
          />
          <input
            ref={valueRef}
            type="password"
            className="nw-pk-input nw-pk-env-value"
            data-testid="secret-value"
            aria-label="Secret value"
            placeholder="value"
            autoComplete="new-password"
            spellCheck={false}
            onChange={(e) => setHasValue(e.target.value !== '')}
          />
          <button type="submit" className="button" data-testid="secret-save" title={offline ?? 'Save the secret (applied at the next start; its value is never shown again)'} disabled={!connected || secretBusy || !nameOk || !hasValue}>
            {names.includes(secretName.trim()) ? 'Replace secret' : 'Add secret'}
          </button>
        </form>
        {secretName.trim() !== '' && !nameOk && <div className="nw-pk-note is-small is-warn">{ENV_NAME_HINT}</div>}
        {secretNote && (
          <div className={`nw-pk-note is-small${secretNote.kind === 'error' ? ' is-error' : ''}`} data-testid="secret-note" role={secretNote.kind === 'error' ? 'alert' : 'status'}>
            {secretNote.text}
          </div>
        )}
      </div>
      {pendingRestart && running && (
        <div className="nw-pk-restart" data-testid="settings-restart-note">
          <span>The running worker has the old settings until it restarts.</span>
          <button type="button" className="button" data-testid="settings-restart" title={offline ?? 'Restart the worker now'} disabled={!connected || restarting} onClick={() => void restart()}>
            {restarting ? 'Restarting…' : 'Restart'}
          </button>
        </div>
      )}
      {confirmDelete && (
        <ConfirmDialog title={`Delete secret ${confirmDelete}?`} confirmLabel="Delete" danger onConfirm={() => void deleteSecret(confirmDelete)} onCancel={() => setConfirmDelete(null)}>
          Its value is removed from the worker; the process keeps it until the worker restarts.
        </ConfirmDialog>
      )}
    </section>
  );
}
