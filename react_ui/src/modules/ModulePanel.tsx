// The module editor: the worker's modules/*.py files — open one, edit it with Python
// highlighting, save (Ctrl/⌘+S or the button; the worker writes it and reloads it at once), make
// a new one from the worker's template, delete one. A failed import marks its line and shows the
// traceback; a successful one says what the module provides now.
import { Suspense, useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { describeError } from '../hooks/useHub';
import type { WorkerClient } from '../protocol/client';
import type { ModuleEventData, ModuleFileInfo, ModuleInfo } from '../protocol/generated';
import type { ConnectionState } from '../protocol/socket';
import { OWN_UNDO_ATTR } from '../canvas/keys';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { LazyCodeEditor } from './editor/loadEditor';
import { failureText, MODULE_EVENTS, moduleToast } from './events';
import { diskDecision, keptMine, reloaded, touchesFile } from './diskChange';
import { TracebackView } from '../ui/TracebackView';
import { MODULE_NAME_HINT, moduleFileName } from './names';
import { SkippedNodes } from './SkippedNodes';
import './modules.css';

/** What to open: a file, and the line to show (a failed import's). */
export interface ModuleTarget {
  file: string;
  line: number | null;
}

export interface ModulePanelProps {
  client: WorkerClient;
  state: ConnectionState;
  /** Open this file when it changes (a toast's or a node's "open its module"). */
  target: ModuleTarget | null;
  /** The worker's modules (`list_modules`): their nodes that could not be loaded are listed. */
  modules?: readonly ModuleInfo[] | null;
  onClose(): void;
}

interface OpenFile {
  name: string;
  /** The worker's copy, as last read or saved. */
  saved: string;
  draft: string;
}

type Status = { kind: 'info' | 'ok' | 'error'; text: string; traceback?: string; line?: number | null } | null;

function statusOf(result: ModuleEventData, verb: string): Status {
  if (result.kind === 'failed') {
    return { kind: 'error', text: `${verb}, but the import failed: ${failureText(result)}`, traceback: result.traceback ?? '', line: result.line ?? null };
  }
  return { kind: 'ok', text: `${verb} — ${moduleToast(result).message}` };
}

export function ModulePanel({ client, state, target, modules, onClose }: ModulePanelProps) {
  const [files, setFiles] = useState<ModuleFileInfo[] | null>(null);
  const [stale, setStale] = useState(true);
  const [open, setOpen] = useState<OpenFile | null>(null);
  const [status, setStatus] = useState<Status>(null);
  const [busy, setBusy] = useState(false);
  const [creating, setCreating] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  /** The open file's new text on disk, while the user decides over their unsaved edits. */
  const [disk, setDisk] = useState<{ name: string; text: string } | null>(null);
  const openRef = useRef(open);
  openRef.current = open;

  // the open file changed on disk: reload it, or ask when that would lose unsaved edits
  const checkDisk = useCallback(
    async (name: string) => {
      let text: string;
      try {
        text = (await client.call('read_module', { name })).source;
      } catch {
        return; // gone or unreadable: the list and the events say so
      }
      const current = openRef.current;
      if (!current || current.name !== name) return;
      const decision = diskDecision(current, text);
      if (decision === 'same') return;
      if (decision === 'reload') {
        const next = reloaded(current, text);
        openRef.current = next;
        setOpen(next);
        setDisk(null);
        return;
      }
      setDisk({ name, text });
    },
    [client],
  );

  // the list follows module events (a file saved here, in another tab or in an editor)
  useEffect(() => {
    const offs = MODULE_EVENTS.map((event) =>
      client.on(event, (data) => {
        setStale(true);
        const current = openRef.current;
        if (current && touchesFile(data, current.name)) void checkDisk(current.name);
      }),
    );
    return () => offs.forEach((off) => off());
  }, [client, checkDisk]);

  const resolveDisk = (choice: 'reload' | 'keep') => {
    const current = openRef.current;
    if (disk && current && current.name === disk.name) {
      const next = choice === 'reload' ? reloaded(current, disk.text) : keptMine(current, disk.text);
      openRef.current = next;
      setOpen(next);
    }
    setDisk(null);
  };
  useEffect(() => {
    if (state !== 'open' || !stale) return;
    let cancelled = false;
    client.call('list_module_files').then(
      (r) => {
        if (cancelled) return;
        setFiles(r.files);
        setStale(false);
      },
      (err: unknown) => {
        if (cancelled) return;
        setFiles([]);
        setStale(false);
        setStatus({ kind: 'error', text: describeError(err) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, state, stale]);

  const openFile = useCallback(
    async (name: string, line: number | null = null) => {
      const current = openRef.current;
      if (current && current.draft !== current.saved && current.name !== name) {
        if (!window.confirm(`Discard your changes to ${current.name}?`)) return;
      }
      setBusy(true);
      try {
        const r = await client.call('read_module', { name });
        setOpen({ name: r.name, saved: r.source, draft: r.source });
        setDisk(null);
        setStatus(line !== null ? { kind: 'error', text: `The last import failed at line ${line}`, line } : null);
      } catch (err) {
        setStatus({ kind: 'error', text: describeError(err) });
      } finally {
        setBusy(false);
      }
    },
    [client],
  );

  useEffect(() => {
    if (target) void openFile(target.file, target.line);
  }, [target, openFile]);

  const save = useCallback(async () => {
    const current = openRef.current;
    if (!current || busy) return;
    setBusy(true);
    try {
      const result = await client.call('write_module', { name: current.name, source: current.draft });
      setOpen((o) => (o && o.name === current.name ? { ...o, saved: current.draft } : o));
      setStatus(statusOf(result, `Saved ${current.name}`));
    } catch (err) {
      setStatus({ kind: 'error', text: describeError(err) });
    } finally {
      setBusy(false);
    }
  }, [client, busy]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const name = moduleFileName(creating ?? '');
    if (!name) return;
    setBusy(true);
    try {
      const result = await client.call('create_module', { name });
      setCreating(null);
      setStale(true);
      const r = await client.call('read_module', { name });
      setOpen({ name: r.name, saved: r.source, draft: r.source });
      setStatus(statusOf(result, `Created ${name}`));
    } catch (err) {
      setStatus({ kind: 'error', text: describeError(err) });
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    const current = openRef.current;
    setConfirmDelete(false);
    if (!current) return;
    setBusy(true);
    try {
      await client.call('delete_module', { name: current.name });
      setOpen(null);
      setStale(true);
      setStatus({ kind: 'info', text: `Deleted ${current.name}` });
    } catch (err) {
      setStatus({ kind: 'error', text: describeError(err) });
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      void save();
    } else if (e.key === 'Escape' && creating !== null) {
      setCreating(null);
    }
  };

  const dirty = open !== null && open.draft !== open.saved;
  const newName = creating === null ? null : moduleFileName(creating);
  const errorLine = status?.kind === 'error' && typeof status.line === 'number' ? status.line : null;

  return (
    // Ctrl+Z here is never the graph's: the code has its own undo while the editor has the focus
    <aside className="nw-mod" data-testid="module-panel" aria-label="Module files" onKeyDown={onKeyDown} {...{ [OWN_UNDO_ATTR]: '' }}>
      <header className="nw-mod-head">
        <h2 className="nw-mod-title">Modules</h2>
        <button type="button" className="button" data-testid="module-new" onClick={() => setCreating('')} disabled={busy}>
          New module
        </button>
        <button type="button" className="icon-button" data-testid="module-close" aria-label="Close the module editor" title="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {creating !== null && (
        <form className="nw-mod-new" onSubmit={(e) => void create(e)}>
          <input
            autoFocus
            className="nw-mod-new-name"
            data-testid="module-new-name"
            aria-label="New module name"
            placeholder="my_nodes"
            title={MODULE_NAME_HINT}
            value={creating}
            onChange={(e) => setCreating(e.target.value)}
          />
          <button type="submit" className="button" data-testid="module-new-create" disabled={!newName || busy}>
            Create
          </button>
          {creating.trim() !== '' && !newName && <div className="nw-mod-hint">{MODULE_NAME_HINT}</div>}
        </form>
      )}
      <SkippedNodes modules={modules} />
      <div className="nw-mod-body">
        <ul className="nw-mod-files" aria-label="Files in modules/">
          {files === null && <li className="nw-mod-note">Loading…</li>}
          {files?.length === 0 && <li className="nw-mod-note">No module files yet: “New module” makes one.</li>}
          {files?.map((f) => (
            <li key={f.name}>
              <button
                type="button"
                className={`nw-mod-file${open?.name === f.name ? ' nw-mod-file-open' : ''}`}
                data-testid="module-file"
                data-name={f.name}
                aria-current={open?.name === f.name ? 'true' : undefined}
                onClick={() => void openFile(f.name)}
              >
                {f.name}
              </button>
            </li>
          ))}
        </ul>
        <div className="nw-mod-main">
          {open ? (
            <>
              <div className="nw-mod-filebar">
                <span className="nw-mod-filename" data-testid="module-open-name">
                  {open.name}
                  {dirty && <span title="Not saved"> •</span>}
                </span>
                <button type="button" className="button" data-testid="module-save" disabled={busy || !dirty} onClick={() => void save()} title="Save and reload (Ctrl+S)">
                  Save
                </button>
                <button type="button" className="button nw-mod-delete" data-testid="module-delete" disabled={busy} onClick={() => setConfirmDelete(true)}>
                  Delete
                </button>
              </div>
              {disk && disk.name === open.name && (
                <div className="nw-mod-disk" data-testid="module-disk-changed" role="alert">
                  <span>{open.name} changed on disk.</span>
                  <button type="button" className="button" data-testid="module-disk-reload" onClick={() => resolveDisk('reload')} title="Show the file as it is on disk; your edits are dropped">
                    Reload
                  </button>
                  <button type="button" className="button" data-testid="module-disk-keep" onClick={() => resolveDisk('keep')} title="Keep your edits; saving overwrites the file on disk">
                    Keep mine
                  </button>
                </div>
              )}
              <div className="nw-mod-editor">
                <Suspense fallback={<div className="nw-mod-note">Loading the editor…</div>}>
                  <LazyCodeEditor
                    key={open.name}
                    value={open.draft}
                    label={`Source of ${open.name}`}
                    errorLine={errorLine}
                    onChange={(draft) => setOpen((o) => (o ? { ...o, draft } : o))}
                    onSave={() => void save()}
                  />
                </Suspense>
              </div>
            </>
          ) : (
            <div className="nw-mod-note">Open a file on the left, or make a new module.</div>
          )}
          {status && (
            <div className={`nw-mod-status nw-mod-status-${status.kind}`} data-testid="module-status" data-kind={status.kind} role={status.kind === 'error' ? 'alert' : 'status'}>
              <div>{status.text}</div>
              {status.traceback && (
                <details className="nw-mod-tb" data-testid="module-traceback" open>
                  <summary>Traceback</summary>
                  <TracebackView text={status.traceback} />
                </details>
              )}
            </div>
          )}
        </div>
      </div>
      {confirmDelete && open && (
        <ConfirmDialog title={`Delete ${open.name}?`} confirmLabel="Delete" danger onConfirm={() => void remove()} onCancel={() => setConfirmDelete(false)}>
          The file is deleted from the worker’s modules/ folder and its nodes leave the library; nodes of it on the canvas stay as placeholders.
        </ConfirmDialog>
      )}
    </aside>
  );
}

