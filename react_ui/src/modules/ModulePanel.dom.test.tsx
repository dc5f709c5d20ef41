// @vitest-environment happy-dom
import { act } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { WorkerClient } from '../protocol/client';
import type { ModuleInfo } from '../protocol/generated';
import { mountPoint } from '../testing/mount';
import { ModulePanel } from './ModulePanel';

// the CodeMirror chunk is not loaded here: a textarea stands in for it
vi.mock('./editor/loadEditor', () => ({
  LazyCodeEditor: (p: { value: string; errorLine: number | null; onChange(v: string): void; onSave(): void }) => (
    <textarea
      data-testid="fake-editor"
      data-error-line={p.errorLine ?? ''}
      value={p.value}
      onChange={(e) => p.onChange(e.target.value)}
      onKeyDown={(e) => {
        if (e.ctrlKey && e.key === 's') p.onSave();
      }}
    />
  ),
}));

const mount = mountPoint();
const $ = (id: string) => mount.host.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const flush = () => act(async () => new Promise<void>((r) => setTimeout(r, 0)));

function fakeClient(replies: Record<string, (args: Record<string, unknown>) => unknown>) {
  const call = vi.fn(async (cmd: string, args: Record<string, unknown> = {}) => {
    const reply = replies[cmd];
    if (!reply) throw new Error(`unexpected ${cmd}`);
    return reply(args);
  });
  const client = { call, on: () => () => undefined } as unknown as WorkerClient;
  return { client, call };
}

function type(el: HTMLElement | null, value: string) {
  const area = el as HTMLTextAreaElement;
  const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set;
  setter?.call(area, value);
  area.dispatchEvent(new Event('input', { bubbles: true }));
}

const loaded = { kind: 'reloaded', module: 'mynodes', origin: 'file', path: '/w/modules/mynodes.py', node_ids: ['my.a'] };

/** A client whose module events the test fires. */
function eventClient(replies: Record<string, (args: Record<string, unknown>) => unknown>) {
  const handlers = new Map<string, Set<(data: unknown) => void>>();
  const base = fakeClient(replies);
  const client = {
    call: base.call,
    on: (event: string, fn: (data: unknown) => void) => {
      const set = handlers.get(event) ?? new Set();
      set.add(fn);
      handlers.set(event, set);
      return () => set.delete(fn);
    },
  } as unknown as WorkerClient;
  const fire = (event: string, data: unknown) => act(() => handlers.get(event)?.forEach((fn) => fn(data)));
  return { client, call: base.call, fire };
}

describe('ModulePanel', () => {
  it('reloads the open file changed on disk, and asks first over unsaved edits', async () => {
    let onDisk = 'x = 1\n';
    const { client, fire } = eventClient({
      list_module_files: () => ({ files: [{ name: 'mynodes.py', size: 1, modified: 0 }] }),
      read_module: ({ name }) => ({ name, source: onDisk }),
    });
    act(() => mount.root.render(<ModulePanel client={client} state="open" target={{ file: 'mynodes.py', line: null }} onClose={vi.fn()} />));
    await flush();
    await flush();
    const editor = () => $('fake-editor') as HTMLTextAreaElement;
    expect(editor().value).toBe('x = 1\n');

    // no unsaved edits: the new text is shown at once
    onDisk = 'x = 2\n';
    fire('module_reloaded', loaded);
    await flush();
    expect(editor().value).toBe('x = 2\n');
    expect($('module-disk-changed')).toBeNull();

    // another file's event changes nothing
    onDisk = 'x = 3\n';
    fire('module_reloaded', { ...loaded, path: '/w/modules/other.py' });
    await flush();
    expect(editor().value).toBe('x = 2\n');

    // unsaved edits: the editor keeps them and asks
    act(() => type(editor(), 'mine = 1\n'));
    fire('module_loaded', loaded);
    await flush();
    expect($('module-disk-changed')?.textContent).toContain('mynodes.py changed on disk');
    expect(editor().value).toBe('mine = 1\n');
    act(() => $('module-disk-keep')?.click());
    expect($('module-disk-changed')).toBeNull();
    expect(editor().value).toBe('mine = 1\n');
    expect(($('module-save') as HTMLButtonElement).disabled).toBe(false); // still unsaved

    // asked again on the next change; reload takes the disk's text
    onDisk = 'x = 4\n';
    fire('module_failed', { ...loaded, kind: 'failed' });
    await flush();
    act(() => $('module-disk-reload')?.click());
    expect(editor().value).toBe('x = 4\n');
    expect(($('module-save') as HTMLButtonElement).disabled).toBe(true);
  });

  let files: string[];
  beforeEach(() => {
    files = ['mynodes.py'];
  });

  it('lists the files, opens one, saves with Ctrl+S and shows a failed import with its line', async () => {
    let reply: unknown = { ...loaded, kind: 'failed', node_ids: [], message: 'SyntaxError: invalid syntax', traceback: 'Traceback: boom', line: 2 };
    const { client, call } = fakeClient({
      list_module_files: () => ({ files: files.map((name) => ({ name, size: 1, modified: 0 })) }),
      read_module: ({ name }) => ({ name, source: 'x = 1\n' }),
      write_module: () => reply,
    });
    act(() => mount.root.render(<ModulePanel client={client} state="open" target={null} onClose={vi.fn()} />));
    await flush();
    const file = mount.host.querySelector<HTMLButtonElement>('[data-testid="module-file"][data-name="mynodes.py"]');
    act(() => file?.click());
    await flush();
    await flush();
    expect(($('fake-editor') as HTMLTextAreaElement).value).toBe('x = 1\n');
    expect(($('module-save') as HTMLButtonElement).disabled).toBe(true);

    act(() => type($('fake-editor'), 'x = (\n'));
    expect(($('module-save') as HTMLButtonElement).disabled).toBe(false);
    act(() => $('fake-editor')?.dispatchEvent(new KeyboardEvent('keydown', { key: 's', ctrlKey: true, bubbles: true })));
    await flush();
    expect(call).toHaveBeenCalledWith('write_module', { name: 'mynodes.py', source: 'x = (\n' });
    expect($('module-status')?.dataset.kind).toBe('error');
    expect($('module-status')?.textContent).toContain('SyntaxError: invalid syntax (line 2)');
    expect($('module-traceback')?.textContent).toContain('Traceback: boom');
    expect($('fake-editor')?.dataset.errorLine).toBe('2');

    reply = loaded;
    act(() => type($('fake-editor'), 'x = 2\n'));
    act(() => $('module-save')?.click());
    await flush();
    expect($('module-status')?.dataset.kind).toBe('ok');
    expect($('module-status')?.textContent).toContain('Module mynodes.py reloaded: 1 node');
    expect($('fake-editor')?.dataset.errorLine).toBe('');
  });

  it('makes a new module from a valid name and deletes one after asking', async () => {
    const { client, call } = fakeClient({
      list_module_files: () => ({ files: files.map((name) => ({ name, size: 1, modified: 0 })) }),
      read_module: ({ name }) => ({ name, source: '# template\n' }),
      create_module: ({ name }) => {
        files.push(String(name));
        return { ...loaded, kind: 'loaded', module: 'fresh', path: '/w/modules/fresh.py', node_ids: ['fresh.a', 'fresh.b'] };
      },
      delete_module: () => ({ ...loaded, kind: 'removed' }),
    });
    act(() => mount.root.render(<ModulePanel client={client} state="open" target={null} onClose={vi.fn()} />));
    await flush();
    act(() => $('module-new')?.click());
    const name = $('module-new-name') as HTMLInputElement;
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
    act(() => {
      setter?.call(name, 'not valid');
      name.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(($('module-new-create') as HTMLButtonElement).disabled).toBe(true);
    act(() => {
      setter?.call(name, 'fresh');
      name.dispatchEvent(new Event('input', { bubbles: true }));
    });
    act(() => $('module-new-create')?.click());
    await flush();
    await flush();
    expect(call).toHaveBeenCalledWith('create_module', { name: 'fresh.py' });
    expect($('module-open-name')?.textContent).toContain('fresh.py');
    expect($('module-status')?.textContent).toContain('Created fresh.py — Module fresh.py loaded: 2 nodes');

    act(() => $('module-delete')?.click());
    const ok = document.querySelector<HTMLButtonElement>('[data-testid="confirm-ok"]');
    expect(document.querySelector('[data-testid="confirm-dialog"]')?.textContent).toContain('Delete fresh.py?');
    act(() => ok?.click());
    await flush();
    expect(call).toHaveBeenCalledWith('delete_module', { name: 'fresh.py' });
    expect($('module-open-name')).toBeNull();
  });

  it('opens the file it is pointed at, with the failing line marked', async () => {
    const { client } = fakeClient({
      list_module_files: () => ({ files: [] }),
      read_module: ({ name }) => ({ name, source: 'a\nb\nc\n' }),
    });
    act(() => mount.root.render(<ModulePanel client={client} state="open" target={{ file: 'mynodes.py', line: 3 }} onClose={vi.fn()} />));
    await flush();
    await flush();
    expect($('module-open-name')?.textContent).toContain('mynodes.py');
    expect($('fake-editor')?.dataset.errorLine).toBe('3');
  });

  it('lists the nodes a module could not load, folded to a count with the reasons inside', async () => {
    const { client } = fakeClient({ list_module_files: () => ({ files: [] }) });
    const modules: ModuleInfo[] = [
      { name: 'numbers', origin: 'builtin', status: 'loaded', node_ids: ['numbers.add'], shelves: ['Numbers'] },
      {
        name: 'funcnodes_basic',
        origin: 'entry_point',
        status: 'loaded',
        node_ids: ['basic.a'],
        shelves: ['Basic'],
        skipped: ['basic.for_node: FuncNodes for_node loops over its own output, which cannot run here', 'basic.while: no'],
      },
      { name: 'mynodes', origin: 'file', path: '/w/modules/mynodes.py', status: 'loaded', node_ids: [], shelves: [], skipped: ['my.k: bad'] },
    ];
    const render = (list: ModuleInfo[] | null) =>
      act(() => mount.root.render(<ModulePanel client={client} state="open" target={null} modules={list} onClose={vi.fn()} />));
    render(modules);
    await flush();
    const folds = Array.from(mount.host.querySelectorAll<HTMLDetailsElement>('[data-testid="module-skipped-module"]'));
    expect(folds.map((d) => d.dataset.module)).toEqual(['funcnodes_basic', 'mynodes']);
    expect(folds.map((d) => d.querySelector('summary')?.textContent)).toEqual([
      'funcnodes_basic: 2 nodes not loaded',
      'mynodes.py: 1 node not loaded',
    ]);
    expect(folds[0]!.open).toBe(false);
    const reasons = Array.from(folds[0]!.querySelectorAll('li')).map((li) => li.textContent);
    expect(reasons).toEqual(['basic.for_node: FuncNodes for_node loops over its own output, which cannot run here', 'basic.while: no']);
    expect(folds[0]!.querySelector('ul')?.getAttribute('aria-label')).toBe('Nodes of funcnodes_basic not loaded');

    // nothing skipped (or modules not listed yet): nothing shown
    render([modules[0]!]);
    expect($('module-skipped')).toBeNull();
    render(null);
    expect($('module-skipped')).toBeNull();
  });
});
