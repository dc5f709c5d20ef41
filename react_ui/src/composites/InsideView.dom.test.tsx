// @vitest-environment happy-dom
import { act, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWorkerClient, RpcError, type WorkerClient } from '../protocol/client';
import type { WorkerConn } from '../hooks/useWorker';
import type { CompositeData, InsideResult, LibraryResult } from '../protocol/generated';
import { initialGraphState } from '../state/graph';
import { node, input } from '../testing/fixtures';
import { mountPoint } from '../testing/mount';
import { ToastProvider } from '../ui/toast';
import { EDIT_DELAY_MS, InsideView, type InsideApi } from './InsideView';
import { REFRESH_MS } from './useInside';

const mount = mountPoint();

const DEF: CompositeData = {
  name: 'Add twice',
  description: '',
  nodes: [
    { uuid: 'i1', node_id: 'numbers.add', inputs: { b: 10 }, properties: { position: { x: 0, y: 0 } } },
    { uuid: 'i2', node_id: 'numbers.add', inputs: { b: 100 }, properties: { position: { x: 300, y: 0 } } },
  ],
  edges: [{ src: 'i1', src_io: 'out', dst: 'i2', dst_io: 'a' }],
  inputs: [{ name: 'a', node: 'i1', io: 'a' }],
  outputs: [{ name: 'out', node: 'i2', io: 'out' }],
};

const LIBRARY: LibraryResult = {
  shelves: [
    {
      name: 'numbers',
      description: '',
      subshelves: [],
      nodes: [
        {
          id: 'numbers.add',
          name: 'Add',
          description: 'The sum a + b.',
          inputs: [
            { name: 'a', type: 'float', schema: { type: 'number' }, required: false, default: 0 },
            { name: 'b', type: 'float', schema: { type: 'number' }, required: false, default: 0 },
          ],
          outputs: [{ name: 'out', type: 'float', schema: { type: 'number' } }],
          executor: 'inline',
          module: 'nodeweave.shelves.numbers',
        },
      ],
    },
  ],
};

function insideState(out: number): InsideResult['state'] {
  return {
    nodes: [
      node('i1', { node_id: 'numbers.add', name: 'Add', status: 'done', inputs: [input('a', { has_value: true, value: 3 }), input('b', { has_value: true, value: 10 })] }),
      node('i2', {
        node_id: 'numbers.add',
        name: 'Add',
        status: 'done',
        inputs: [input('a', { connected: true }), input('b', { has_value: true, value: 100 })],
        outputs: [{ name: 'out', type: 'float', schema: {}, preview: { kind: 'json', type: 'int', value: out } }],
      }),
    ],
    edges: [],
  };
}

let seq = 0;
function event(client: WorkerClient, name: string, data: unknown) {
  act(() => client.handleFrame(JSON.stringify({ type: 'event', event: name, seq: ++seq, data })));
}

// A composite inside another: the workflow's node "c" is an Outer, whose inside holds "n1", an
// Add twice (DEF), fed by a Number
const OUTER: CompositeData = {
  name: 'Outer',
  description: '',
  nodes: [
    { uuid: 'o1', node_id: 'numbers.add', inputs: { a: 1, b: 2 }, properties: { position: { x: 0, y: 0 } } },
    { uuid: 'n1', node_id: 'composite.add-twice', inputs: {}, properties: { position: { x: 300, y: 0 } } },
  ],
  edges: [{ src: 'o1', src_io: 'out', dst: 'n1', dst_io: 'a' }],
  inputs: [],
  outputs: [{ name: 'out', node: 'n1', io: 'out' }],
};

function outerState(out: number): InsideResult['state'] {
  return {
    nodes: [
      node('o1', { node_id: 'numbers.add', name: 'Add', status: 'done', inputs: [input('a', { has_value: true, value: 1 }), input('b', { has_value: true, value: 2 })] }),
      node('n1', {
        node_id: 'composite.add-twice',
        name: 'Add twice',
        status: 'done',
        inputs: [input('a', { connected: true })],
        outputs: [{ name: 'out', type: 'float', schema: {}, preview: { kind: 'json', type: 'int', value: out } }],
      }),
    ],
    edges: [],
  };
}

interface SetupOptions {
  /** The levels open (default: the workflow's Add twice, "c"). */
  path?: string[];
  /** The workflow's node "c" is an Outer holding an Add twice ("n1"). */
  nested?: boolean;
  /** Navigation is followed (a workspace's path state) rather than only recorded. */
  follow?: boolean;
  /** The shown instance has run (else get_inside's state is null). */
  ran?: boolean;
  /** The worker reaches the shown instance (else an instance on its path has not run). */
  reached?: boolean;
  /** The Outer definition as the workflow has it (default: as the worker's inside has it). */
  workflowOuter?: CompositeData;
}

function setup({ path = ['c'], nested = false, follow = false, ran: ranAtFirst = true, reached: reachedAtFirst = true, workflowOuter = OUTER }: SetupOptions = {}) {
  const client = createWorkerClient();
  client.connectionOpened(() => undefined);
  const calls: [string, Record<string, unknown>][] = [];
  let out = 113;
  let ran = ranAtFirst;
  let reached = reachedAtFirst;
  let def = DEF;
  let outer = OUTER;
  client.send = async (cmd: string, kwargs: Record<string, unknown> = {}) => {
    calls.push([cmd, kwargs]);
    if (cmd === 'get_inside') {
      if (nested && kwargs.uuid === 'c') return { id: 'outer', composite: outer, state: outerState(out) };
      if (nested && kwargs.uuid === 'n1' && !reached) throw new RpcError('invalid_arguments', "no composite 'c' that has run on the path to 'n1'", { uuid: 'c' });
      if (nested && !outer.nodes.some((n) => (n as { uuid: string }).uuid === kwargs.uuid)) throw new RpcError('not_found', `no node ${String(kwargs.uuid)}`);
      return { id: 'add-twice', composite: def, state: ran ? insideState(out) : null };
    }
    if (cmd === 'set_composite') {
      if (kwargs.id === 'outer') outer = kwargs.composite as CompositeData;
      else def = kwargs.composite as CompositeData;
      return kwargs.composite;
    }
    if (cmd === 'get_history') return { can_undo: false, can_redo: false, undo_label: null, redo_label: null };
    return null;
  };
  const top = nested ? node('c', { node_id: 'composite.outer', name: 'Outer' }) : node('c', { node_id: 'composite.add-twice', name: 'Add twice' });
  const worker = {
    client,
    state: 'open',
    graph: {
      ...initialGraphState,
      loaded: true,
      nodes: { c: top },
      order: ['c'],
      composites: nested ? { outer: workflowOuter, 'add-twice': DEF } : { 'add-twice': DEF },
    },
    library: LIBRARY,
    hello: null,
    paused: false,
    resume: async () => undefined,
    cluster: null,
    http: null,
    error: null,
    clearError: () => undefined,
    setInput: vi.fn(),
    inputBusy: () => false,
  } as unknown as WorkerConn;
  const onNavigate = vi.fn();
  const api: { current: InsideApi | null } = { current: null };
  // as the workspace holds it: the levels open, one view per path
  function Levels() {
    const [at, setAt] = useState(path);
    if (at.length === 0) return <div data-testid="workflow-shown" />;
    const go = (next: string[]) => {
      onNavigate(next);
      if (follow) setAt(next);
    };
    return <InsideView key={at.join('/')} worker={worker} path={at} onNavigate={go} onReady={(a) => (api.current = a)} />;
  }
  act(() =>
    mount.root.render(
      <ToastProvider>
        <div style={{ width: 1000, height: 700 }}>
          <Levels />
        </div>
      </ToastProvider>,
    ),
  );
  return {
    client,
    calls,
    onNavigate,
    api,
    setOut: (v: number) => {
      out = v;
    },
    setRan: (v: boolean) => {
      ran = v;
    },
    setReached: (v: boolean) => {
      reached = v;
    },
    /** The Outer definition changes: in the worker, and in the workflow's state (as get_state
     * and composite_changed keep it). */
    setOuter: (d: CompositeData) => {
      outer = d;
      const graph = worker.graph;
      (worker as { graph: typeof graph }).graph = { ...graph, composites: { ...graph.composites, outer: d } };
    },
  };
}

const $ = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const flush = () => act(async () => vi.advanceTimersByTimeAsync(0));
const card = (uuid: string) => document.querySelector<HTMLElement>(`[data-testid="inside-canvas"] [data-testid="node-card"][data-uuid="${uuid}"]`);
const outText = (uuid: string) => card(uuid)?.querySelector('[data-testid="output-preview"]')?.textContent?.trim();

describe('InsideView', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    seq = 0;
  });
  afterEach(() => vi.useRealTimers());

  it("shows the breadcrumb, the inner nodes with the instance's values, and the ports", async () => {
    const { calls } = setup();
    await flush();
    expect(calls[0]).toEqual(['get_inside', { uuid: 'c' }]);
    expect($('breadcrumb')?.textContent).toContain('Workflow');
    expect($('breadcrumb-current')?.textContent).toBe('Add twice');
    expect(card('i1')).not.toBeNull();
    expect(outText('i2')).toBe('113');
    expect(card('i1')?.querySelector('[data-testid="port-tag"]')?.textContent).toBe('⇢ a');
    expect(card('i1')?.querySelector('[data-testid="node-trigger"]')).toBeNull(); // inner nodes do not run alone
    const ports = [...document.querySelectorAll<HTMLElement>('[data-testid="port"]')].map((p) => `${p.dataset.kind}:${p.dataset.name}`);
    expect(ports).toEqual(['inputs:a', 'outputs:out']);
  });

  it('goes back by the breadcrumb, by Escape, and by ✕', async () => {
    const { onNavigate } = setup();
    await flush();
    expect(document.querySelectorAll('[data-testid="breadcrumb-level"]')).toHaveLength(0);
    act(() => $('breadcrumb-root')?.click());
    act(() => void document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
    act(() => $('inside-close')?.click());
    expect(onNavigate.mock.calls).toEqual([[[]], [[]], [[]]]);
  });

  it('before the instance has run: the definition without values, and a note', async () => {
    const { client, setRan } = setup({ ran: false });
    await flush();
    expect(card('i2')).not.toBeNull();
    expect(outText('i2')).not.toBe('113');
    expect($('inside-not-run')?.dataset.reached).toBe('true');
    expect($('inside-not-run')?.textContent).toContain('Not run yet');
    setRan(true);
    event(client, 'node_status', { uuid: 'c', status: 'done' });
    await act(async () => vi.advanceTimersByTimeAsync(REFRESH_MS + 10));
    expect(outText('i2')).toBe('113');
    expect($('inside-not-run')).toBeNull();
  });

  it('an inner value edits the definition: sent whole once typing settles', async () => {
    const { calls } = setup();
    await flush();
    const field = card('i2')?.querySelector<HTMLInputElement>('[data-testid="node-input"][data-io="b"] input');
    expect(field?.value).toBe('100');
    act(() => {
      field!.focus();
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(field, '1000');
      field!.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(calls.some(([c]) => c === 'set_composite')).toBe(false);
    await act(async () => vi.advanceTimersByTimeAsync(EDIT_DELAY_MS + 10));
    const sets = calls.filter(([c]) => c === 'set_composite');
    expect(sets).toHaveLength(1);
    const sent = sets[0]![1] as { id: string; composite: CompositeData };
    expect(sent.id).toBe('add-twice');
    expect(sent.composite.nodes[1]).toMatchObject({ uuid: 'i2', inputs: { b: 1000 } });
    expect(sent.composite.inputs).toEqual(DEF.inputs);
  });

  it('fetches the inside again when the instance runs or the definition changes', async () => {
    const { client, calls, setOut } = setup();
    await flush();
    setOut(1013);
    event(client, 'node_status', { uuid: 'other', status: 'done' });
    event(client, 'value', { uuid: 'c', io: 'out', preview: { kind: 'json', type: 'int', value: 1013 } });
    event(client, 'node_status', { uuid: 'c', status: 'done' });
    await act(async () => vi.advanceTimersByTimeAsync(REFRESH_MS + 10));
    expect(calls.filter(([c]) => c === 'get_inside')).toHaveLength(2); // the two events: one fetch
    expect(outText('i2')).toBe('1013');
    event(client, 'composite_changed', { id: 'add-twice', composite: { ...DEF, name: 'Renamed' } });
    expect($('breadcrumb-current')?.textContent).toContain('Renamed');
  });

  it('closes when the composite node is removed', async () => {
    const { client, onNavigate } = setup();
    await flush();
    event(client, 'node_removed', { uuid: 'c' });
    expect(onNavigate).toHaveBeenCalledWith([]);
  });

  it('adds a node from the library into the inside', async () => {
    const { calls, api } = setup();
    await flush();
    act(() => api.current?.addNode('numbers.add'));
    await flush();
    const sent = calls.find(([c]) => c === 'set_composite')?.[1] as { composite: CompositeData } | undefined;
    expect(sent?.composite.nodes).toHaveLength(3);
    expect(sent?.composite.nodes[2]).toMatchObject({ node_id: 'numbers.add', inputs: {} });
  });

  it('renames, reorders, removes and exposes ports from the panel', async () => {
    const { calls } = setup();
    await flush();
    const lastSet = () => calls.filter(([c]) => c === 'set_composite').at(-1)?.[1] as { composite: CompositeData; renamed?: Record<string, string> };
    // expose the second node's b
    const select = $('port-expose-select') as HTMLSelectElement;
    const option = [...select.options].find((o) => o.textContent === 'Add.b' && o.parentElement?.getAttribute('label')?.startsWith('Inputs'));
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value')?.set?.call(select, option!.value);
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    act(() => $('port-expose')?.click());
    await flush();
    expect(lastSet().composite.inputs.map((p) => p.name)).toEqual(['a', 'b']);
    // move it up
    const bPort = () => document.querySelector<HTMLElement>('[data-testid="port"][data-kind="inputs"][data-name="b"]')!;
    act(() => bPort().querySelector<HTMLButtonElement>('[data-testid="port-up"]')!.click());
    await flush();
    expect(lastSet().composite.inputs.map((p) => p.name)).toEqual(['b', 'a']);
    // rename it: the instances' wires follow
    const name = bPort().querySelector<HTMLInputElement>('[data-testid="port-name"]')!;
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(name, 'offset');
      name.dispatchEvent(new Event('input', { bubbles: true }));
    });
    act(() => void name.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })));
    await flush();
    expect(lastSet().renamed).toEqual({ b: 'offset' });
    expect(lastSet().composite.inputs.map((p) => p.name)).toEqual(['offset', 'a']);
    // remove it
    const offset = document.querySelector<HTMLElement>('[data-testid="port"][data-name="offset"]')!;
    act(() => offset.querySelector<HTMLButtonElement>('[data-testid="port-remove"]')!.click());
    await flush();
    expect(lastSet().composite.inputs.map((p) => p.name)).toEqual(['a']);
  });

  it('refuses a bad port name without sending it', async () => {
    const { calls } = setup();
    await flush();
    const name = document.querySelector<HTMLInputElement>('[data-testid="port"][data-name="a"] [data-testid="port-name"]')!;
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(name, '2 bad');
      name.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(name.getAttribute('aria-invalid')).toBe('true');
    act(() => void name.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })));
    await flush();
    expect(calls.some(([c]) => c === 'set_composite')).toBe(false);
  });

  it('renames the composite itself', async () => {
    const { calls } = setup();
    await flush();
    act(() => $('composite-rename')?.click());
    const field = $('prompt-input') as HTMLInputElement;
    expect(field.value).toBe('Add twice');
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(field, 'Plus 110');
      field.dispatchEvent(new Event('input', { bubbles: true }));
    });
    act(() => field.form?.requestSubmit());
    await flush();
    const sent = calls.filter(([c]) => c === 'set_composite').at(-1)?.[1] as { composite: CompositeData };
    expect(sent.composite.name).toBe('Plus 110');
    expect($('breadcrumb-current')?.textContent).toBe('Plus 110');
  });
});

describe('InsideView: a composite inside another', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    seq = 0;
  });
  afterEach(() => vi.useRealTimers());

  const crumbs = () => [...document.querySelectorAll<HTMLElement>('[data-testid="breadcrumb"] li:not(.nw-crumb-tools)')].map((li) => li.textContent?.trim());
  const insideCalls = (calls: [string, Record<string, unknown>][]) => calls.filter(([c]) => c === 'get_inside').map(([, a]) => a);
  const escape = () => act(() => void document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));

  it('opens a composite from the inside (double-click, ⤢, its menu): one level more, with its values', async () => {
    const { calls, onNavigate } = setup({ nested: true, follow: true });
    await flush();
    expect(crumbs()).toEqual(['Workflow', 'Outer']);
    const inner = card('n1')!;
    expect(inner.querySelector('[data-testid="node-composite"]')?.getAttribute('title')).toContain('double-click');
    expect(outText('n1')).toBe('113');

    // a double-click opens it: Workflow › Outer › Add twice, its inside fetched through its path
    act(() => void inner.dispatchEvent(new MouseEvent('dblclick', { bubbles: true })));
    await flush();
    expect(onNavigate).toHaveBeenLastCalledWith(['c', 'n1']);
    expect($('inside-view')?.dataset.depth).toBe('2');
    expect(crumbs()).toEqual(['Workflow', 'Outer', 'Add twice']);
    expect($('breadcrumb-current')?.textContent).toBe('Add twice');
    expect(insideCalls(calls).at(-1)).toEqual({ uuid: 'n1', path: ['c'] });
    expect(outText('i2')).toBe('113');
    expect($('inside-not-run')).toBeNull();

    // the Outer crumb goes back to its level
    act(() => document.querySelector<HTMLElement>('[data-testid="breadcrumb-level"][data-depth="1"]')?.click());
    await flush();
    expect(onNavigate).toHaveBeenLastCalledWith(['c']);
    expect(crumbs()).toEqual(['Workflow', 'Outer']);
    expect(insideCalls(calls).at(-1)).toEqual({ uuid: 'c' });

    // ⤢ opens it too; Escape goes up one level
    act(() => card('n1')?.querySelector<HTMLElement>('[data-testid="node-open-composite"]')?.click());
    await flush();
    expect($('breadcrumb-current')?.textContent).toBe('Add twice');
    escape();
    await flush();
    expect(crumbs()).toEqual(['Workflow', 'Outer']);

    // and so does its menu's Open; ✕ goes back to the workflow
    act(() => void card('n1')!.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, clientX: 40, clientY: 40 })));
    act(() => $('menu-open-composite')?.click());
    await flush();
    expect($('breadcrumb-current')?.textContent).toBe('Add twice');
    act(() => $('inside-close')?.click());
    expect(onNavigate).toHaveBeenLastCalledWith([]);
    expect($('workflow-shown')).not.toBeNull();
  });

  it('a plain inner node does not open, and its menu has no Open', async () => {
    const { onNavigate } = setup({ nested: true, follow: true });
    await flush();
    act(() => void card('o1')!.dispatchEvent(new MouseEvent('dblclick', { bubbles: true })));
    expect(onNavigate).not.toHaveBeenCalled();
    expect(card('o1')?.querySelector('[data-testid="node-open-composite"]')).toBeNull();
    act(() => void card('o1')!.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, clientX: 40, clientY: 40 })));
    expect($('context-menu')).not.toBeNull();
    expect($('menu-open-composite')).toBeNull();
  });

  it("edits at the inner level go to the inner composite's definition", async () => {
    const { calls } = setup({ nested: true, path: ['c', 'n1'] });
    await flush();
    const field = card('i2')?.querySelector<HTMLInputElement>('[data-testid="node-input"][data-io="b"] input');
    act(() => {
      field!.focus();
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(field, '1000');
      field!.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => vi.advanceTimersByTimeAsync(EDIT_DELAY_MS + 10));
    const sets = calls.filter(([c]) => c === 'set_composite').map(([, a]) => a as { id: string; composite: CompositeData });
    expect(sets.map((a) => a.id)).toEqual(['add-twice']);
    expect(sets[0]!.composite.nodes[1]).toMatchObject({ uuid: 'i2', inputs: { b: 1000 } });
  });

  it("fetches again on the workflow node's events and on a change of any definition on the path", async () => {
    const { client, calls, setOut } = setup({ nested: true, path: ['c', 'n1'] });
    await flush();
    const fetched = () => insideCalls(calls).length;
    expect(fetched()).toBe(1);
    // events name the workflow's nodes only: the inner instance's uuid never comes
    event(client, 'node_status', { uuid: 'n1', status: 'done' });
    await act(async () => vi.advanceTimersByTimeAsync(REFRESH_MS + 10));
    expect(fetched()).toBe(1);
    setOut(1013);
    for (const name of ['node_status', 'value', 'node_error']) {
      event(client, name, { uuid: 'c', status: 'done', io: 'out', preview: { kind: 'empty', type: 'NoValue' }, error: { type: 'X', message: 'x', traceback: '' } });
      await act(async () => vi.advanceTimersByTimeAsync(REFRESH_MS + 10));
    }
    expect(fetched()).toBe(4);
    expect(outText('i2')).toBe('1013');
    expect(insideCalls(calls).every((a) => a.uuid === 'n1' && (a.path as string[]).join() === 'c')).toBe(true);
    // the outer definition changed: fetched again; the inner one: shown at once, fetched again
    event(client, 'composite_changed', { id: 'outer', composite: OUTER });
    await act(async () => vi.advanceTimersByTimeAsync(REFRESH_MS + 10));
    expect(fetched()).toBe(5);
    event(client, 'composite_changed', { id: 'add-twice', composite: { ...DEF, name: 'Renamed' } });
    expect($('breadcrumb-current')?.textContent).toBe('Renamed');
    await act(async () => vi.advanceTimersByTimeAsync(REFRESH_MS + 10));
    expect(fetched()).toBe(6);
    // another definition: nothing
    event(client, 'composite_changed', { id: 'unrelated', composite: DEF });
    await act(async () => vi.advanceTimersByTimeAsync(REFRESH_MS + 10));
    expect(fetched()).toBe(6);
  });

  it('an instance on the path has not run: the definition without values and a note; edits still go out', async () => {
    const { client, calls, setReached } = setup({ nested: true, path: ['c', 'n1'], reached: false });
    await flush();
    expect($('inside-view')?.dataset.compositeId).toBe('add-twice');
    expect(card('i1')).not.toBeNull();
    expect(outText('i2')).not.toBe('113');
    expect($('inside-not-run')?.dataset.reached).toBe('false');
    expect(document.querySelector('[data-testid="toast"]')).toBeNull(); // not an error
    const field = card('i2')?.querySelector<HTMLInputElement>('[data-testid="node-input"][data-io="b"] input');
    expect(field?.value).toBe('100');
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(field, '7');
      field!.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => vi.advanceTimersByTimeAsync(EDIT_DELAY_MS + 10));
    expect(calls.filter(([c]) => c === 'set_composite').map(([, a]) => a.id)).toEqual(['add-twice']);
    // the workflow's node runs: now the worker reaches it
    setReached(true);
    event(client, 'node_status', { uuid: 'c', status: 'done' });
    await act(async () => vi.advanceTimersByTimeAsync(REFRESH_MS + 10));
    expect(outText('i2')).toBe('113');
    expect($('inside-not-run')).toBeNull();
  });

  it('a composite node just put inside (the worker has not run it there yet): the definition, not gone', async () => {
    const added = { uuid: 'n2', node_id: 'composite.add-twice', inputs: {}, properties: { position: { x: 0, y: 300 } } };
    const withIt = { ...OUTER, nodes: [...OUTER.nodes, added] };
    const { client, onNavigate, setOuter } = setup({ nested: true, path: ['c', 'n2'], workflowOuter: withIt });
    await flush();
    expect(onNavigate).not.toHaveBeenCalled();
    expect($('inside-view')?.dataset.compositeId).toBe('add-twice');
    expect($('inside-not-run')?.dataset.reached).toBe('false');
    expect(card('i2')).not.toBeNull();
    // the Outer runs with it inside
    setOuter(withIt);
    event(client, 'node_status', { uuid: 'c', status: 'done' });
    await act(async () => vi.advanceTimersByTimeAsync(REFRESH_MS + 10));
    expect(outText('i2')).toBe('113');
    expect($('inside-not-run')).toBeNull();
  });

  it('a level in the middle of the path is gone: back to the deepest level still there', async () => {
    const { onNavigate } = setup({ nested: true, path: ['c', 'gone', 'deeper'] });
    await flush();
    expect(onNavigate).toHaveBeenLastCalledWith(['c']);
    expect(document.querySelector('[data-testid="toast"]')?.textContent).toContain('Back to Outer: The composite node is not inside any more.');
  });

  it('the inner instance is gone from the outer definition: back to the outer level', async () => {
    const { client, onNavigate, setOuter } = setup({ nested: true, path: ['c', 'n1'] });
    await flush();
    setOuter({ ...OUTER, nodes: OUTER.nodes.slice(0, 1), outputs: [] });
    event(client, 'composite_changed', { id: 'outer', composite: { ...OUTER, nodes: OUTER.nodes.slice(0, 1), outputs: [] } });
    await act(async () => vi.advanceTimersByTimeAsync(REFRESH_MS + 10));
    expect(onNavigate).toHaveBeenLastCalledWith(['c']);
    expect(document.querySelector('[data-testid="toast"]')?.textContent).toContain('Back to Outer');
  });
});
