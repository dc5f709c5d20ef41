// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWorkerClient, type WorkerClient } from '../protocol/client';
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

function setup() {
  const client = createWorkerClient();
  client.connectionOpened(() => undefined);
  const calls: [string, Record<string, unknown>][] = [];
  let out = 113;
  let def = DEF;
  client.send = async (cmd: string, kwargs: Record<string, unknown> = {}) => {
    calls.push([cmd, kwargs]);
    if (cmd === 'get_inside') return { id: 'add-twice', composite: def, state: insideState(out) };
    if (cmd === 'set_composite') {
      def = kwargs.composite as CompositeData;
      return def;
    }
    if (cmd === 'get_history') return { can_undo: false, can_redo: false, undo_label: null, redo_label: null };
    return null;
  };
  const worker = {
    client,
    state: 'open',
    graph: { ...initialGraphState, loaded: true, nodes: { c: node('c', { node_id: 'composite.add-twice', name: 'Add twice' }) }, order: ['c'] },
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
  const onClose = vi.fn();
  const api: { current: InsideApi | null } = { current: null };
  act(() =>
    mount.root.render(
      <ToastProvider>
        <div style={{ width: 1000, height: 700 }}>
          <InsideView worker={worker} uuid="c" onClose={onClose} onReady={(a) => (api.current = a)} />
        </div>
      </ToastProvider>,
    ),
  );
  return {
    client,
    calls,
    onClose,
    api,
    setOut: (v: number) => {
      out = v;
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

  it('goes back by the breadcrumb, and by Escape', async () => {
    const { onClose } = setup();
    await flush();
    act(() => $('breadcrumb-root')?.click());
    expect(onClose).toHaveBeenCalledTimes(1);
    act(() => void document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
    expect(onClose).toHaveBeenCalledTimes(2);
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
    const { client, onClose } = setup();
    await flush();
    event(client, 'node_removed', { uuid: 'c' });
    expect(onClose).toHaveBeenCalled();
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
