// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { WorkerConn } from '../hooks/useWorker';
import { HttpError, type FullValue, type WorkerHttp } from '../hooks/workerHttp';
import type { WorkerClient } from '../protocol/client';
import type { NodeInfo } from '../protocol/generated';
import type { GraphState } from '../state/graph';
import { Inspector } from './Inspector';
import { mountPoint } from '../testing/mount';

type Page = { offset?: number; limit?: number } | undefined;
type Handler = (uuid: string, io: string, page: Page) => Promise<FullValue>;

function fakeHttp(handler: Handler) {
  const calls: { io: string; page: Page; signal: AbortSignal | undefined }[] = [];
  const http: WorkerHttp = {
    base: 'http://127.0.0.1:9000',
    token: 't',
    valueUrl: (uuid, io) => `http://127.0.0.1:9000/values/${uuid}/${io}?token=t`,
    fetchValue: (uuid, io, page, signal) => {
      calls.push({ io, page, signal });
      return handler(uuid, io, page);
    },
    listFiles: () => Promise.resolve([]),
    uploadFile: () => Promise.reject(new Error('unused')),
  };
  return { http, calls };
}

const json = (body: unknown, total: number | null = null): FullValue => ({
  contentType: 'application/json',
  total,
  json: body,
  text: null,
  blob: null,
});

function makeNode(over: Partial<NodeInfo> = {}): NodeInfo {
  return {
    uuid: 'n1',
    node_id: 'bench.numbers',
    name: 'numbers',
    status: 'done',
    placeholder: false,
    properties: { position: { x: 10, y: 20 } },
    inputs: [
      {
        name: 'count',
        type: 'int',
        schema: { type: 'integer' },
        connected: false,
        has_value: true,
        required: true,
        value: 3,
        preview: { kind: 'json', type: 'int', value: 3 },
        description: 'How many numbers',
      },
    ],
    outputs: [
      {
        name: 'out',
        type: 'list[int]',
        schema: {},
        preview: { kind: 'json', type: 'list', value: [0, 1, 2], length: 1000, truncated: true },
      },
    ],
    ...over,
  };
}

function makeWorker(node: NodeInfo, http: WorkerHttp | null): WorkerConn {
  const graph: GraphState = {
    nodes: { [node.uuid]: node },
    order: [node.uuid],
    edges: {},
    progress: {},
    annotations: {},
    composites: {},
    loaded: true,
    needsRefetch: false,
  };
  return {
    client: {} as unknown as WorkerClient,
    state: 'open',
    graph,
    library: null,
    hello: null,
    paused: false,
    resume: async () => undefined,
    cluster: null,
    http,
    setInput: vi.fn(),
    inputBusy: () => false,
    error: null,
    clearError: () => undefined,
  };
}

const mount = mountPoint();

const $ = <T extends Element = HTMLElement>(sel: string) => mount.host.querySelector<T>(sel);
const flush = () => act(async () => {
  await new Promise((r) => setTimeout(r, 0));
});

function render(worker: WorkerConn, onClose = vi.fn()) {
  act(() => mount.root.render(<Inspector worker={worker} uuid="n1" onClose={onClose} />));
  return onClose;
}

const listPage = (page: Page) => {
  const offset = page?.offset ?? 0;
  const limit = page?.limit ?? 1000;
  const items = Array.from({ length: Math.min(limit, 1000 - offset) }, (_, i) => offset + i);
  return Promise.resolve(json({ offset, limit, total: 1000, items }, 1000));
};

describe('Inspector', () => {
  it('shows the node, its inputs, outputs and properties', () => {
    const { http } = fakeHttp(() => Promise.reject(new Error('unused')));
    render(makeWorker(makeNode(), http));
    const panel = $('[data-testid="inspector"]');
    expect(panel?.dataset.uuid).toBe('n1');
    expect(panel?.textContent).toContain('numbers');
    expect(panel?.textContent).toContain('bench.numbers');
    const input = $('[data-testid="inspector-input"]');
    expect(input?.dataset.io).toBe('count');
    expect(input?.textContent).toContain('How many numbers');
    expect(input?.querySelector('[data-testid="input-widget"]')).not.toBeNull();
    const output = $('[data-testid="inspector-output"]');
    expect(output?.dataset.io).toBe('out');
    expect(output?.querySelector('[data-testid="preview"]')?.getAttribute('data-kind')).toBe('json');
    expect(output?.querySelector('[data-testid="json-tree"]')).not.toBeNull();
    expect($('[data-testid="inspector-uuid"]')?.textContent).toBe('n1');
    expect($('[data-testid="inspector-position"]')?.textContent).toBe('10, 20');
    expect($('[data-testid="inspector-error"]')).toBeNull();
  });

  it('shows the error with its traceback', () => {
    const node = makeNode({ status: 'error', error: { type: 'ValueError', message: 'bad count', traceback: 'Traceback (most recent call last):\n  File "x.py"' } });
    render(makeWorker(node, null));
    const err = $('[data-testid="inspector-error"]');
    expect(err?.textContent).toContain('ValueError');
    expect(err?.textContent).toContain('bad count');
    expect(err?.querySelector('[data-testid="traceback-view"]')?.textContent).toContain('File "x.py"');
  });

  it('folds the engine frames of a traceback and keeps the user frames in view', () => {
    const traceback = [
      'Traceback (most recent call last):',
      '  File "/venv/site-packages/nodeweave/core/node.py", line 9, in run',
      '    out = self.func()',
      '  File "/home/me/modules/mine.py", line 3, in func',
      '    return 1 / 0',
      'ZeroDivisionError: division by zero',
    ].join('\n');
    render(makeWorker(makeNode({ status: 'error', error: { type: 'ZeroDivisionError', message: 'division by zero', traceback } }), null));
    const folded = $('[data-testid="traceback-engine"]');
    expect(folded?.querySelector('summary')?.textContent).toBe('1 engine frame');
    expect(folded?.textContent).toContain('nodeweave/core/node.py');
    const user = [...document.querySelectorAll('[data-testid="traceback-frame"][data-engine="false"]')];
    expect(user.map((f) => f.textContent)).toEqual(['  File "/home/me/modules/mine.py", line 3, in func    return 1 / 0']);
    expect(user[0]?.closest('details')).toBeNull();
  });

  it('closes with its button and with Escape, but leaves Escape to editors', () => {
    const onClose = render(makeWorker(makeNode(), null));
    act(() => $('[aria-label="Close inspector"]')?.click());
    expect(onClose).toHaveBeenCalledTimes(1);
    const panel = $('[data-testid="inspector"]');
    act(() => panel?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
    expect(onClose).toHaveBeenCalledTimes(2);
    const textarea = document.createElement('textarea');
    panel?.append(textarea);
    act(() => textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
    expect(onClose).toHaveBeenCalledTimes(2);
  });
});

describe('Full value', () => {
  it('starts closed again for another node', async () => {
    const { http } = fakeHttp((_u, _io, page) => listPage(page));
    const worker = makeWorker(makeNode(), http);
    act(() => mount.root.render(<Inspector worker={worker} uuid="n1" onClose={vi.fn()} />));
    act(() => $('[data-testid="full-value-button"]')?.click());
    await flush();
    expect($('[data-testid="full-value"]')).not.toBeNull();
    const other = makeNode({ uuid: 'n2' });
    const both = { ...worker, graph: { ...worker.graph, nodes: { n1: makeNode(), n2: other }, order: ['n1', 'n2'] } };
    act(() => mount.root.render(<Inspector worker={both} uuid="n2" onClose={vi.fn()} />));
    expect($('[data-testid="inspector"]')?.dataset.uuid).toBe('n2');
    expect($('[data-testid="full-value"]')).toBeNull();
  });

  it('pages a long list', async () => {
    const { http, calls } = fakeHttp((_u, _io, page) => listPage(page));
    render(makeWorker(makeNode(), http));
    act(() => $('[data-testid="full-value-button"]')?.click());
    await flush();
    expect(calls[0]?.page).toEqual({ offset: 0, limit: 50 });
    expect($('[data-testid="full-table"]')?.querySelectorAll('tbody tr').length).toBe(50);
    expect($('[data-testid="table-range"]')?.textContent).toBe('1–50 of 1,000');
    expect($<HTMLButtonElement>('[data-testid="table-prev"]')?.disabled).toBe(true);
    act(() => $('[data-testid="table-next"]')?.click());
    await flush();
    expect(calls.at(-1)?.page).toEqual({ offset: 50, limit: 50 });
    expect($('[data-testid="table-range"]')?.textContent).toBe('51–100 of 1,000');
    expect($('[data-testid="full-table"] tbody th')?.textContent).toBe('50');
  });

  it('refetches the current page when the value is recomputed, aborting stale fetches', async () => {
    const { http, calls } = fakeHttp((_u, _io, page) => listPage(page));
    const node = makeNode();
    render(makeWorker(node, http));
    act(() => $('[data-testid="full-value-button"]')?.click());
    await flush();
    act(() => $('[data-testid="table-next"]')?.click());
    await flush();
    const before = calls.length;
    const out = node.outputs[0]!;
    const next = makeNode({ outputs: [{ ...out, preview: { kind: 'json', type: 'list', value: [5, 6, 7], length: 1000, truncated: true } }] });
    render(makeWorker(next, http));
    const again = makeNode({ outputs: [{ ...out, preview: { kind: 'json', type: 'list', value: [8], length: 1000, truncated: true } }] });
    render(makeWorker(again, http));
    await flush();
    expect(calls.length).toBe(before + 2);
    expect(calls.at(-2)?.signal?.aborted).toBe(true);
    expect(calls.at(-1)?.page).toEqual({ offset: 50, limit: 50 });
  });

  it('fetches the value whole when the worker refuses to page it', async () => {
    const { http, calls } = fakeHttp((_u, _io, page) =>
      page ? Promise.reject(new HttpError(400, 'invalid_value', 'cannot page a value of type set')) : Promise.resolve(json([1, 2, 3])),
    );
    render(makeWorker(makeNode(), http));
    act(() => $('[data-testid="full-value-button"]')?.click());
    await flush();
    await flush();
    expect(calls.map((c) => c.page)).toEqual([{ offset: 0, limit: 50 }, undefined]);
    expect($('[data-testid="full-value"] [data-testid="json-tree"]')).not.toBeNull();
    expect($('[data-testid="full-value-error"]')).toBeNull();
  });

  it('reloads with the button and hides with its close button', async () => {
    const { http, calls } = fakeHttp((_u, _io, page) => listPage(page));
    render(makeWorker(makeNode(), http));
    act(() => $('[data-testid="full-value-button"]')?.click());
    await flush();
    act(() => $('[data-testid="table-next"]')?.click());
    await flush();
    act(() => $('[data-testid="full-value-button"]')?.click());
    await flush();
    expect(calls.at(-1)?.page).toEqual({ offset: 50, limit: 50 });
    expect(calls.length).toBe(3);
    act(() => $('[aria-label="Hide full value"]')?.click());
    expect($('[data-testid="full-value"]')).toBeNull();
  });

  it('shows fetch errors inline', async () => {
    const { http } = fakeHttp(() => Promise.reject(new HttpError(404, 'not_found', "output 'out' of 'n1' has no value")));
    render(makeWorker(makeNode(), http));
    act(() => $('[data-testid="full-value-button"]')?.click());
    await flush();
    expect($('[data-testid="full-value-error"]')?.textContent).toBe("output 'out' of 'n1' has no value (not_found)");
  });

  it('shows text, images through object URLs, and binary as a download', async () => {
    const blob = new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' });
    const create = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:img1');
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    let answer: FullValue = { contentType: 'text/plain; charset=utf-8', total: null, json: null, text: 'hello world', blob: null };
    const { http } = fakeHttp(() => Promise.resolve(answer));
    const text = makeNode({ outputs: [{ name: 'out', type: 'str', schema: {}, preview: { kind: 'text', type: 'str', value: 'hello', length: 11, truncated: true } }] });
    render(makeWorker(text, http));
    act(() => $('[data-testid="full-value-button"]')?.click());
    await flush();
    expect($('[data-testid="full-value"] pre')?.textContent).toBe('hello world');

    answer = { contentType: 'image/png', total: null, json: null, text: null, blob };
    const image = makeNode({ outputs: [{ name: 'out', type: 'bytes', schema: {}, preview: { kind: 'image', type: 'bytes', mime: 'image/png', data: 'AA==', width: 1, height: 1 } }] });
    render(makeWorker(image, http));
    await flush();
    expect($<HTMLImageElement>('[data-testid="full-value"] img')?.getAttribute('src')).toBe('blob:img1');
    expect(create).toHaveBeenCalledWith(blob);

    answer = { contentType: 'application/pdf', total: null, json: null, text: null, blob: new Blob([new Uint8Array(2048)]) };
    const pdf = makeNode({ outputs: [{ name: 'out', type: 'bytes', schema: {}, preview: { kind: 'bytes', type: 'bytes', mime: 'application/pdf', length: 2048, head: '25' } }] });
    render(makeWorker(pdf, http));
    await flush();
    expect(revoke).toHaveBeenCalledWith('blob:img1');
    const link = $<HTMLAnchorElement>('[data-testid="full-value-download"]');
    expect(link?.getAttribute('href')).toBe('http://127.0.0.1:9000/values/n1/out?token=t');
    expect(link?.hasAttribute('download')).toBe(true);
    expect($('[data-testid="full-value"]')?.textContent).toContain('2 KB');
    create.mockRestore();
    revoke.mockRestore();
  });
});
