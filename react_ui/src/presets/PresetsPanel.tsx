// The open worker's presets: named input values, listed with what they set (`node.input =
// value`) and why one cannot be applied now (its problems: Apply is off). Save a preset from
// the current values of inputs of the selected nodes; apply (one undo step), rename, delete.
// A right-hand panel of the workspace, as the module editor and the packages.
import { useCallback, useId, useState, type FormEvent } from 'react';
import { describeError } from '../hooks/useHub';
import type { WorkerClient } from '../protocol/client';
import type { NodeInfo, PresetInfo, PresetInput } from '../protocol/generated';
import type { ConnectionState } from '../protocol/socket';
import { presetLine, presetName, refusalProblems } from './model';
import { usePresets } from './usePresets';
import '../packages/packages.css';
import './presets.css';

export interface PresetsPanelProps {
  client: Pick<WorkerClient, 'call' | 'on' | 'onResync'>;
  state: ConnectionState;
  nodes: Readonly<Record<string, NodeInfo>>;
  /** The nodes selected on the canvas now (their inputs are offered to a new preset). */
  selection(): string[];
  onClose(): void;
}

type Note = { kind: 'ok' | 'error'; text: string; problems?: string[] };

const inputKey = (i: PresetInput) => `${i.uuid}\u0000${i.io}`;

export function PresetsPanel({ client, state, nodes, selection, onClose }: PresetsPanelProps) {
  const titleId = useId();
  const { presets, error } = usePresets(client, state);
  const [saving, setSaving] = useState<string[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [note, setNote] = useState<Note | null>(null);
  const offline = state === 'open' ? null : 'Not connected to the worker';

  const run = useCallback(async (key: string, command: () => Promise<string>) => {
    setBusy(key);
    setNote(null);
    try {
      setNote({ kind: 'ok', text: await command() });
      return true;
    } catch (err) {
      const problems = refusalProblems(err);
      setNote({ kind: 'error', text: describeError(err), ...(problems ? { problems } : {}) });
      return false;
    } finally {
      setBusy(null);
    }
  }, []);

  const apply = (name: string) =>
    void run(`apply:${name}`, async () => {
      const r = await client.call('apply_preset', { name });
      return `Applied “${name}”: ${r.changed} input${r.changed === 1 ? '' : 's'} changed`;
    });
  const remove = (name: string) =>
    void run(`delete:${name}`, async () => {
      await client.call('delete_preset', { name });
      return `Deleted “${name}” (Undo brings it back)`;
    });
  const rename = (name: string, to: string) =>
    run(`rename:${name}`, async () => {
      await client.call('rename_preset', { name, to });
      return `Renamed “${name}” to “${to}”`;
    });
  const save = (name: string, inputs: [PresetInput, ...PresetInput[]]) =>
    run('save', async () => {
      await client.call('save_preset', { name, inputs });
      return `Saved “${name}” (${inputs.length} value${inputs.length === 1 ? '' : 's'})`;
    });

  return (
    <aside className="nw-pk nw-ps" data-testid="presets-panel" aria-labelledby={titleId}>
      <header className="nw-pk-head">
        <h2 id={titleId} className="nw-pk-title">
          Presets
        </h2>
        <button type="button" className="icon-button nw-pk-close" data-testid="presets-close" aria-label="Close the presets panel" title="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="nw-pk-body">
        <p className="nw-hint nw-ps-hint">Named input values, applied in one step (Undo takes it back).</p>
        <div className="nw-pk-tools" role="group" aria-label="Preset actions">
          <button
            type="button"
            className="button"
            data-testid="presets-save"
            title={offline ?? 'A new preset from the current values of inputs of the selected nodes'}
            disabled={offline !== null || busy !== null}
            aria-expanded={saving !== null}
            onClick={() => setSaving(saving ? null : selection())}
          >
            Save preset…
          </button>
        </div>
        {saving && (
          <SavePresetForm
            uuids={saving}
            nodes={nodes}
            busy={busy === 'save'}
            existing={presets?.map((p) => p.name) ?? []}
            onCancel={() => setSaving(null)}
            onSave={async (name, inputs) => {
              if (await save(name, inputs)) setSaving(null);
            }}
          />
        )}
        {note && (
          <div className={note.kind === 'error' ? 'nw-pk-note is-error' : 'nw-pk-note'} role={note.kind === 'error' ? 'alert' : 'status'} data-testid="presets-note">
            {note.text}
            {note.problems && note.problems.length > 0 && (
              <ul className="nw-ps-problems">
                {note.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        {error && (
          <div className="nw-pk-note is-error" role="alert" data-testid="presets-error">
            {error}
          </div>
        )}
        {presets === null && !error ? (
          <div className="nw-pk-note">Loading presets…</div>
        ) : presets && presets.length === 0 ? (
          <div className="nw-pk-note" data-testid="presets-empty">
            No presets yet: select nodes, then Save preset….
          </div>
        ) : (
          presets && (
            <ul className="nw-ps-list" aria-label="Presets" data-testid="presets-list">
              {presets.map((p) => (
                <PresetRow
                  key={p.name}
                  preset={p}
                  nodes={nodes}
                  disabled={offline !== null || busy !== null}
                  offline={offline}
                  busy={busy}
                  onApply={() => apply(p.name)}
                  onDelete={() => remove(p.name)}
                  onRename={(to) => rename(p.name, to)}
                />
              ))}
            </ul>
          )
        )}
      </div>
    </aside>
  );
}

interface PresetRowProps {
  preset: PresetInfo;
  nodes: Readonly<Record<string, NodeInfo>>;
  disabled: boolean;
  offline: string | null;
  busy: string | null;
  onApply(): void;
  onDelete(): void;
  onRename(to: string): Promise<boolean>;
}

function PresetRow({ preset, nodes, disabled, offline, busy, onApply, onDelete, onRename }: PresetRowProps) {
  const { name, values, problems } = preset;
  const [renaming, setRenaming] = useState<string | null>(null);
  const problemsId = useId();
  const blocked = problems.length > 0;
  const submitRename = async (e: FormEvent) => {
    e.preventDefault();
    const to = presetName(renaming ?? '');
    if (!to || to === name) {
      setRenaming(null);
      return;
    }
    if (await onRename(to)) setRenaming(null);
  };
  return (
    <li className={`nw-ps-item${blocked ? ' has-problems' : ''}`} data-testid="preset-item" data-preset-name={name} data-problems={problems.length}>
      <div className="nw-ps-line">
        {renaming !== null ? (
          <form className="nw-ps-rename" onSubmit={(e) => void submitRename(e)} aria-label={`Rename ${name}`}>
            <input
              className="nw-pk-input"
              data-testid="preset-rename-input"
              aria-label={`New name for ${name}`}
              value={renaming}
              autoFocus
              spellCheck={false}
              onChange={(e) => setRenaming(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') {
                  e.preventDefault();
                  setRenaming(null);
                }
              }}
            />
            <button type="submit" className="button" data-testid="preset-rename-ok" disabled={disabled || presetName(renaming) === null}>
              Rename
            </button>
          </form>
        ) : (
          <span className="nw-ps-name" data-testid="preset-name">
            {name}
          </span>
        )}
        {blocked && (
          <span className="nw-ps-flag" title={problems.join('\n')} aria-label={`${problems.length} problem${problems.length === 1 ? '' : 's'}`}>
            ⚠ {problems.length}
          </span>
        )}
      </div>
      <ul className="nw-ps-values" aria-label={`Values of ${name}`}>
        {values.map((v) => (
          <li key={`${v.node}.${v.io}`} data-testid="preset-value">
            <code>{presetLine(v, nodes)}</code>
          </li>
        ))}
      </ul>
      {blocked && (
        <ul id={problemsId} className="nw-ps-problems" data-testid="preset-problems" aria-label={`Why ${name} cannot be applied`}>
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <div className="nw-ps-actions" role="group" aria-label={`Actions for ${name}`}>
        <button
          type="button"
          className="button button-primary"
          data-testid="preset-apply"
          aria-label={`Apply ${name}`}
          aria-describedby={blocked ? problemsId : undefined}
          title={offline ?? (blocked ? `It does not fit now: ${problems.join('; ')}` : 'Set these values (one undo step)')}
          disabled={disabled || blocked}
          onClick={onApply}
        >
          {busy === `apply:${name}` ? 'Applying…' : 'Apply'}
        </button>
        <button
          type="button"
          className="button"
          data-testid="preset-rename"
          aria-label={`Rename ${name}`}
          disabled={disabled}
          onClick={() => setRenaming(renaming === null ? name : null)}
        >
          Rename
        </button>
        <button type="button" className="button" data-testid="preset-delete" aria-label={`Delete ${name}`} disabled={disabled} onClick={onDelete}>
          Delete
        </button>
      </div>
    </li>
  );
}

interface SavePresetFormProps {
  uuids: readonly string[];
  nodes: Readonly<Record<string, NodeInfo>>;
  busy: boolean;
  existing: readonly string[];
  onSave(name: string, inputs: [PresetInput, ...PresetInput[]]): Promise<void>;
  onCancel(): void;
}

function SavePresetForm({ uuids, nodes, busy, existing, onSave, onCancel }: SavePresetFormProps) {
  const chosenNodes = uuids.map((u) => nodes[u]).filter((n): n is NodeInfo => n !== undefined);
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => {
    const initial = new Set<string>();
    for (const n of chosenNodes) for (const i of n.inputs) if (!i.connected && i.has_value) initial.add(inputKey({ uuid: n.uuid, io: i.name }));
    return initial;
  });
  const nameId = useId();
  const picked: PresetInput[] = [];
  for (const n of chosenNodes) for (const i of n.inputs) if (chosen.has(inputKey({ uuid: n.uuid, io: i.name }))) picked.push({ uuid: n.uuid, io: i.name });
  const trimmed = presetName(name);
  const replaces = trimmed !== null && existing.includes(trimmed);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const [first, ...rest] = picked;
    if (busy || !trimmed || !first) return;
    void onSave(trimmed, [first, ...rest]);
  };

  if (chosenNodes.length === 0) {
    return (
      <div className="nw-pk-note nw-ps-form" data-testid="preset-save-form" role="status">
        Select nodes on the canvas first: a preset keeps the current values of their inputs.
        <div className="nw-worker-form-actions">
          <button type="button" className="button" onClick={onCancel}>
            Close
          </button>
        </div>
      </div>
    );
  }
  return (
    <form className="nw-ps-form" data-testid="preset-save-form" aria-label="Save preset" onSubmit={submit}>
      {chosenNodes.map((n) => (
        <fieldset key={n.uuid} className="nw-ps-node">
          <legend>{n.name}</legend>
          {n.inputs.length === 0 && <div className="nw-hint">no inputs</div>}
          {n.inputs.map((i) => {
            const key = inputKey({ uuid: n.uuid, io: i.name });
            return (
              <label key={i.name} className="nw-check" title={i.connected ? 'Connected: its value comes from the edge' : undefined}>
                <input
                  type="checkbox"
                  data-testid="preset-save-input"
                  data-uuid={n.uuid}
                  data-io={i.name}
                  checked={chosen.has(key)}
                  disabled={i.connected || busy}
                  onChange={(e) =>
                    setChosen((prev) => {
                      const next = new Set(prev);
                      if (e.target.checked) next.add(key);
                      else next.delete(key);
                      return next;
                    })
                  }
                />
                {n.name}.{i.name}
                {i.connected ? <span className="nw-optional">connected</span> : null}
              </label>
            );
          })}
        </fieldset>
      ))}
      <label className="nw-field-label" htmlFor={nameId}>
        Preset name
      </label>
      <input
        id={nameId}
        className="nw-pk-input"
        data-testid="preset-save-name"
        value={name}
        autoComplete="off"
        spellCheck={false}
        disabled={busy}
        onChange={(e) => setName(e.target.value)}
      />
      {replaces && <div className="nw-hint">A preset of that name is replaced.</div>}
      <div className="nw-worker-form-actions">
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" data-testid="preset-save-submit" disabled={busy || !trimmed || picked.length === 0}>
          {busy ? 'Saving…' : `Save ${picked.length} value${picked.length === 1 ? '' : 's'}`}
        </button>
      </div>
    </form>
  );
}
