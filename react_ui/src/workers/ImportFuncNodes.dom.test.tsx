// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { HubConn } from '../hooks/useHub';
import { createHubClient, RpcError } from '../protocol/client';
import type { FuncNodesWorkerInfo, ImportFuncNodesResult, WorkerRecord } from '../protocol/generated';
import { mountPoint } from '../testing/mount';
import { ToastProvider } from '../ui/toast';
import { MAX_IMPORT_BYTES } from './funcnodes';
import { WorkersPanel } from './WorkersPanel';

type Reply = (kwargs: Record<string, unknown>) => unknown;

/** A hub connection whose commands are answered by `replies` (and recorded in `calls`). */
function fakeHub(workers: WorkerRecord[], replies: Record<string, Reply> = {}) {
  const client = createHubClient();
  const calls: [string, Record<string, unknown>][] = [];
  client.send = async (cmd: string, kwargs: Record<string, unknown> = {}) => {
    calls.push([cmd, kwargs]);
    const reply = replies[cmd];
    return reply ? reply(kwargs) : null;
  };
  const hub: HubConn = {
    client,
    state: 'open',
    error: null,
    workers: {
      byId: Object.fromEntries(workers.map((w) => [w.id, w])),
      envProgress: {},
      loaded: true,
      needsRefetch: false,
    },
  };
  return { hub, calls };
}

const rec = (id: string, fields: Partial<WorkerRecord> = {}): WorkerRecord => ({
  id,
  name: id[0]!.toUpperCase() + id.slice(1),
  status: 'stopped',
  ...fields,
});

const mount = mountPoint();

function render(hub: HubConn, onOpen = vi.fn()) {
  act(() =>
    mount.root.render(
      <ToastProvider>
        <WorkersPanel hub={hub} selectedId={null} onOpen={onOpen} />
      </ToastProvider>,
    ),
  );
  return onOpen;
}

const q = (sel: string, from: ParentNode = document) => from.querySelector<HTMLElement>(sel);
const $ = (testid: string, from: ParentNode = document) => q(`[data-testid="${testid}"]`, from);
const flush = () => act(async () => new Promise<void>((r) => setTimeout(r, 0)));
const withoutList = (calls: [string, Record<string, unknown>][]) => calls.filter(([cmd]) => cmd !== 'list_funcnodes_workers');

async function click(el: HTMLElement | null) {
  expect(el).not.toBeNull();
  await act(async () => {
    el?.click();
  });
}

function type(el: HTMLInputElement, value: string) {
  act(() => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

function pick(file: File) {
  const input = $('funcnodes-import-file') as HTMLInputElement;
  Object.defineProperty(input, 'files', { configurable: true, value: [file] });
  act(() => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

const EXPORT_BYTES = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x10]);

function result(fields: Partial<ImportFuncNodesResult> = {}): ImportFuncNodesResult {
  return {
    worker: rec('tiny-flow', { name: 'tiny flow' }),
    nodes: 3,
    edges: 2,
    values: 4,
    dropped_values: [],
    node_ids: ['numbers.add'],
    requirements: [],
    files: 0,
    ...fields,
  };
}

const found = (id: string, fields: Partial<FuncNodesWorkerInfo> = {}): FuncNodesWorkerInfo => ({
  id,
  name: `flow ${id}`,
  path: `/state/workers/worker_${id}`,
  nodes: 2,
  edges: 1,
  requirements: [],
  ...fields,
});

describe('Import FuncNodes workflow', () => {
  it('uploads an export as base64 with its name and install, sums up the result and opens the new worker', async () => {
    const { hub, calls } = fakeHub([], {
      import_funcnodes: () =>
        result({ dropped_values: ['n1.a', 'n2.frame'], requirements: ['funcnodes-basic'], files: 1 }),
      list_funcnodes_workers: () => [],
    });
    const onOpen = render(hub);
    const toggle = $('funcnodes-import');
    expect(toggle?.getAttribute('aria-label')).toBe('Import FuncNodes workflow');
    await click(toggle);
    expect(toggle?.getAttribute('aria-expanded')).toBe('true');
    const form = $('funcnodes-import-form');
    expect(form?.getAttribute('aria-label')).toBe('Import FuncNodes workflow');
    const input = $('funcnodes-import-file') as HTMLInputElement;
    expect(input.type).toBe('file');
    expect(input.accept).toBe('.fnw,.json');
    // every control has a label
    expect(document.querySelector(`label[for="${input.id}"]`)).not.toBeNull();
    const name = $('funcnodes-import-name') as HTMLInputElement;
    expect(document.querySelector(`label[for="${name.id}"]`)?.textContent).toContain('Name');
    const install = $('funcnodes-import-install') as HTMLInputElement;
    expect(install.closest('label')?.textContent).toContain('Install its FuncNodes packages');
    expect(document.getElementById(install.getAttribute('aria-describedby') ?? '')?.textContent).toContain('first start');
    expect(($('funcnodes-import-submit') as HTMLButtonElement).disabled).toBe(true);

    pick(new File([EXPORT_BYTES], 'tiny.fnw'));
    type(name, '  Tiny  ');
    await click(install);
    await click($('funcnodes-import-submit'));
    await flush();

    expect(withoutList(calls)).toEqual([['import_funcnodes', { data: 'UEsDBAD/EA==', name: 'Tiny', install: true }]]);
    // the list of FuncNodes workers is fetched on connect and again after the import
    expect(calls.filter(([cmd]) => cmd === 'list_funcnodes_workers')).toHaveLength(2);
    expect($('funcnodes-import-form')).toBeNull();
    const summary = $('funcnodes-import-result') as HTMLElement;
    expect(summary.textContent).toContain('Imported tiny flow');
    expect($('funcnodes-import-counts')?.textContent).toBe('3 nodes, 2 edges, 4 values');
    expect(summary.textContent).toContain('1 data file copied');
    expect($('funcnodes-import-dropped')?.textContent).toContain('2 values left out');
    expect($('funcnodes-import-dropped')?.textContent).toContain('n2.frame');
    expect($('funcnodes-import-requirements')?.textContent).toContain('funcnodes-basic');
    expect($('funcnodes-import-requirements')?.textContent).toContain('first start');

    const open = $('funcnodes-import-open');
    expect(open?.getAttribute('aria-label')).toBe('Open tiny flow');
    await click(open);
    expect(onOpen.mock.calls).toEqual([['tiny-flow']]);
    expect($('funcnodes-import-result')).toBeNull();
  });

  it('refuses a file over 2 MB with the command line to use, sending nothing', async () => {
    const { hub, calls } = fakeHub([], { list_funcnodes_workers: () => [] });
    render(hub);
    await click($('funcnodes-import'));
    pick(new File([new Uint8Array(MAX_IMPORT_BYTES + 1)], 'huge.fnw'));
    const error = $('funcnodes-import-error');
    expect(error?.getAttribute('role')).toBe('alert');
    expect(error?.textContent).toContain('huge.fnw is 2.0 MB');
    expect(error?.textContent).toContain('nodeweave import-funcnodes PATH');
    const submit = $('funcnodes-import-submit') as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    await act(async () => {
      (submit.form as HTMLFormElement).requestSubmit();
    });
    await flush();
    expect(withoutList(calls)).toEqual([]);

    // a smaller file clears the refusal
    pick(new File([EXPORT_BYTES], 'small.json'));
    expect($('funcnodes-import-error')).toBeNull();
    expect(submit.disabled).toBe(false);
  });

  it('shows a refused import with its message and keeps the form', async () => {
    const { hub, calls } = fakeHub([], {
      import_funcnodes: () => {
        throw new RpcError('invalid_document', 'not a FuncNodes export: no state entry');
      },
      list_funcnodes_workers: () => [],
    });
    render(hub);
    await click($('funcnodes-import'));
    pick(new File(['{"hello": 1}'], 'other.json'));
    await click($('funcnodes-import-submit'));
    await flush();
    expect(withoutList(calls)).toEqual([['import_funcnodes', { data: btoa('{"hello": 1}') }]]);
    expect($('funcnodes-import-error')?.textContent).toBe('not a FuncNodes export: no state entry (invalid_document)');
    expect($('funcnodes-import-form')).not.toBeNull();
    expect($('funcnodes-import-result')).toBeNull();
    expect(($('funcnodes-import-submit') as HTMLButtonElement).disabled).toBe(false);
  });

  it('lists the FuncNodes workers found, read only, imports one, and shows the unreadable ones disabled', async () => {
    const list = [found('abc', { name: 'found flow', nodes: 1, edges: 0 }), found('bad', { name: 'broken', error: 'nodespace.json: not JSON' })];
    const { hub, calls } = fakeHub([], {
      list_funcnodes_workers: () => list,
      import_funcnodes: () => result({ worker: rec('found-flow', { name: 'found flow' }), nodes: 1, edges: 0, values: 2 }),
    });
    const onOpen = render(hub);
    await flush();
    const section = $('funcnodes-found') as HTMLElement;
    const toggle = $('funcnodes-found-toggle') as HTMLElement;
    expect(toggle.textContent).toContain('FuncNodes workers on this machine');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect($('funcnodes-found-item')).toBeNull();
    await click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(section.textContent).toContain('nodeweave never changes FuncNodes’ files');

    const item = (id: string) => q(`[data-testid="funcnodes-found-item"][data-funcnodes-id="${id}"]`) as HTMLElement;
    expect(item('abc').textContent).toContain('found flow');
    expect(item('abc').textContent).toContain('1 node · 0 edges · abc');
    expect(item('abc').title).toBe('/state/workers/worker_abc');
    expect(item('bad').getAttribute('aria-disabled')).toBe('true');
    expect($('funcnodes-found-reason', item('bad'))?.textContent).toBe('nodespace.json: not JSON');
    expect(($('funcnodes-found-import', item('bad')) as HTMLButtonElement).disabled).toBe(true);

    const importAbc = $('funcnodes-found-import', item('abc')) as HTMLButtonElement;
    expect(importAbc.getAttribute('aria-label')).toBe('Import found flow');
    await click(importAbc);
    await flush();
    expect(withoutList(calls)).toEqual([['import_funcnodes', { funcnodes_worker: 'abc' }]]);
    expect($('funcnodes-import-counts')?.textContent).toBe('1 node, 0 edges, 2 values');
    await click($('funcnodes-import-open'));
    expect(onOpen).toHaveBeenCalledWith('found-flow');

  });

  it('reports an import of a FuncNodes worker that is gone by that entry, and hides the section when none are found', async () => {
    let list = [found('gone', { name: 'gone flow' })];
    const { hub } = fakeHub([], {
      list_funcnodes_workers: () => list,
      import_funcnodes: () => {
        throw new RpcError('not_found', "no importable FuncNodes worker 'gone'");
      },
    });
    render(hub);
    await flush();
    await click($('funcnodes-found-toggle'));
    await click($('funcnodes-found-import'));
    await flush();
    const error = $('funcnodes-found-error');
    expect(error?.getAttribute('role')).toBe('alert');
    expect(error?.textContent).toBe("no importable FuncNodes worker 'gone' (not_found)");
    expect($('funcnodes-import-result')).toBeNull();

    // nothing found (e.g. after a reconnect): no section at all
    list = [];
    render({ ...hub, state: 'waiting' });
    render(hub);
    await flush();
    expect($('funcnodes-found')).toBeNull();
  });

  it('hides the section when the hub finds no FuncNodes workers, and the new worker joins the list', async () => {
    const { hub } = fakeHub([rec('alpha')], { list_funcnodes_workers: () => [] });
    render(hub);
    await flush();
    expect($('funcnodes-found')).toBeNull();
    // the hub's worker_status event for the new worker puts it into the list
    render({ ...hub, workers: { ...hub.workers, byId: { ...hub.workers.byId, 'tiny-flow': rec('tiny-flow', { name: 'tiny flow' }) } } });
    expect(q('[data-testid="worker-row"][data-worker-id="tiny-flow"]')).not.toBeNull();
  });
});
