// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { WorkerConn } from '../hooks/useWorker';
import type { InputInfo, NodeInfo } from '../protocol/generated';
import { InputWidget } from './InputWidget';
import { mountPoint } from '../testing/mount';

function input(schema: Record<string, unknown>, over: Partial<InputInfo> = {}): InputInfo {
  return {
    name: 'x',
    type: 'int',
    schema,
    required: false,
    connected: false,
    preview: { kind: 'json', type: 'int', value: 0 },
    has_value: false,
    ...over,
  };
}

function fakeWorker(nodes: Record<string, NodeInfo> = {}, edges: WorkerConn['graph']['edges'] = {}) {
  const sent: unknown[] = [];
  let busy = false;
  const worker = {
    graph: { nodes, edges, order: Object.keys(nodes), progress: {}, loaded: true, needsRefetch: false },
    setInput: vi.fn((_uuid: string, _io: string, value: unknown) => {
      sent.push(value);
    }),
    inputBusy: () => busy,
  } as unknown as WorkerConn;
  return {
    worker,
    sent,
    setBusy(b: boolean) {
      busy = b;
    },
  };
}

const mount = mountPoint();

function render(worker: WorkerConn, inp: InputInfo, compact = true) {
  act(() => mount.root.render(<InputWidget worker={worker} uuid="n1" input={inp} compact={compact} />));
}

function widget(): HTMLElement {
  const el = mount.host.querySelector<HTMLElement>('[data-testid="input-widget"]');
  if (!el) throw new Error('no widget');
  return el;
}

/** Type into a field the way React sees it (the native value setter, then an input event). */
function typeInto(el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string, event = 'input') {
  const proto = Object.getPrototypeOf(el) as object;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  act(() => {
    setter?.call(el, value);
    el.dispatchEvent(new Event(event, { bubbles: true }));
  });
}

describe('InputWidget', () => {
  it('picks the widget from the schema', () => {
    const { worker } = fakeWorker();
    const kinds: [Record<string, unknown>, string][] = [
      [{ type: 'integer', minimum: 0, maximum: 10 }, 'slider'],
      [{ type: 'number' }, 'number'],
      [{ enum: ['a', 'b'] }, 'select'],
      [{ type: 'boolean' }, 'checkbox'],
      [{ type: 'string' }, 'text'],
      [{ type: 'array' }, 'json'],
    ];
    for (const [schema, kind] of kinds) {
      render(worker, input(schema));
      expect(widget().dataset.kind).toBe(kind);
    }
  });

  it('shows a driven input read-only, with what flows in over the edge', () => {
    const src: NodeInfo = {
      uuid: 's',
      node_id: 't',
      name: 't',
      status: 'done',
      placeholder: false,
      inputs: [],
      outputs: [{ name: 'out', type: 'int', schema: {}, preview: { kind: 'json', type: 'int', value: 42 } }],
      properties: {},
    };
    const { worker } = fakeWorker({ s: src }, { e: { src: 's', src_io: 'out', dst: 'n1', dst_io: 'x' } });
    render(worker, input({ type: 'integer' }, { connected: true }));
    expect(widget().dataset.kind).toBe('connected');
    expect(widget().textContent).toContain('42');
    expect(widget().querySelector('input')).toBeNull();
  });

  it('sends slider positions as integers and keeps its own value while answers are pending', () => {
    const { worker, sent, setBusy } = fakeWorker();
    const inp = input({ type: 'integer', minimum: 0, maximum: 10 }, { has_value: true, value: 1 });
    render(worker, inp);
    const range = widget().querySelector<HTMLInputElement>('input[type="range"]')!;
    expect(range.value).toBe('1');
    setBusy(true);
    typeInto(range, '7');
    expect(sent).toEqual([7]);
    expect(Number.isInteger(sent[0])).toBe(true);
    // an older echo arrives while the newest value is still in flight: the slider stays put
    render(worker, { ...inp, value: 4 });
    expect(range.value).toBe('7');
    // answered: the worker's value counts again
    setBusy(false);
    render(worker, { ...inp, value: 7.0 });
    expect(range.value).toBe('7');
    render(worker, { ...inp, value: 3 });
    expect(range.value).toBe('3');
  });

  it('sends valid numbers as they are typed, and outlines what it cannot send', () => {
    const { worker, sent } = fakeWorker();
    render(worker, input({ type: 'integer', maximum: 100 }));
    const field = widget().querySelector<HTMLInputElement>('input[type="number"]')!;
    act(() => field.focus());
    typeInto(field, '12');
    expect(sent).toEqual([12]);
    typeInto(field, '500');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    typeInto(field, '2.5');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(sent).toEqual([12]);
  });

  it('sends null for an emptied nullable number', () => {
    const { worker, sent } = fakeWorker();
    render(worker, input({ anyOf: [{ type: 'integer' }, { type: 'null' }] }, { has_value: true, value: 5 }));
    const field = widget().querySelector<HTMLInputElement>('input[type="number"]')!;
    act(() => field.focus());
    typeInto(field, '');
    expect(sent).toEqual([null]);
  });

  it('maps select choices by index, so non-string options keep their type', () => {
    const { worker, sent } = fakeWorker();
    render(worker, input({ enum: [1, 2, 3] }, { has_value: true, value: 2 }));
    const select = widget().querySelector('select')!;
    expect(select.value).toBe('1');
    typeInto(select, '2', 'change');
    expect(sent).toEqual([3]);
  });

  it('sends JSON only once it parses, and says why not', () => {
    const { worker, sent } = fakeWorker();
    render(worker, input({ type: 'array' }, { has_value: true, value: [1] }));
    const area = widget().querySelector('textarea')!;
    act(() => area.focus());
    typeInto(area, '[1, 2');
    act(() => {
      area.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }));
    });
    expect(sent).toEqual([]);
    expect(widget().querySelector('[role="alert"]')?.textContent).toBeTruthy();
    typeInto(area, '[1, 2]');
    act(() => {
      area.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }));
    });
    expect(sent).toEqual([[1, 2]]);
    expect(widget().querySelector('[role="alert"]')).toBeNull();
  });

  it("shows the function's default from the preview when there is no own value", () => {
    const { worker } = fakeWorker();
    render(worker, input({ type: 'number' }, { preview: { kind: 'json', type: 'float', value: 2.5 } }));
    expect(widget().querySelector<HTMLInputElement>('input')!.value).toBe('2.5');
  });
});

describe('InputWidget: button inputs', () => {
  const schema = { type: 'integer', minimum: 0, 'x-widget': 'button', default: 0 };

  it('is a button that sends the count of presses + 1; quick presses each count', () => {
    const { worker, sent, setBusy } = fakeWorker();
    render(worker, input(schema, { name: 'refresh', has_value: true, value: 2 }));
    expect(widget().dataset.kind).toBe('button');
    const button = widget().querySelector('button')!;
    expect(button.textContent).toContain('Refresh');
    act(() => button.click());
    expect(sent).toEqual([3]);
    setBusy(true); // the first press not echoed yet
    act(() => button.click());
    expect(sent).toEqual([3, 4]);
  });

  it('starts from the default when the input has no value of its own', () => {
    const { worker, sent } = fakeWorker();
    render(worker, input(schema, { name: 'refresh' }));
    act(() => widget().querySelector('button')!.click());
    expect(sent).toEqual([1]);
  });

  it('is no button while an edge drives the input', () => {
    const { worker } = fakeWorker();
    render(worker, input(schema, { name: 'refresh', connected: true }));
    expect(widget().dataset.kind).toBe('connected');
    expect(widget().querySelector('button')).toBeNull();
  });
});
