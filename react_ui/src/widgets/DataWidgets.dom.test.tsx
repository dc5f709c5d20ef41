// @vitest-environment happy-dom
// The widgets of data nodes: inputs only an edge can feed, column pickers, file pickers.
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { WorkerConn } from '../hooks/useWorker';
import type { WorkerHttp } from '../hooks/workerHttp';
import type { InputInfo } from '../protocol/generated';
import { mountPoint } from '../testing/mount';
import { chosenList, toggleChoice } from './ChoiceEditor';
import { fileChoices } from './FileEditor';
import { InputWidget } from './InputWidget';
import { widgetForSchema } from './schema';
import { connectText } from './TypedPlaceholder';

function input(schema: Record<string, unknown>, over: Partial<InputInfo> = {}): InputInfo {
  return { name: 'x', type: 'str', schema, required: false, connected: false, preview: { kind: 'empty', type: 'NoValue' }, has_value: false, ...over };
}

function fakeWorker(http: Partial<WorkerHttp> | null = null) {
  const sent: unknown[] = [];
  const worker = {
    graph: { nodes: {}, edges: {}, order: [], progress: {}, loaded: true, needsRefetch: false },
    http,
    setInput: vi.fn((_u: string, _io: string, value: unknown) => {
      sent.push(value);
    }),
    inputBusy: () => false,
  } as unknown as WorkerConn;
  return { worker, sent };
}

const mount = mountPoint();
const $ = <T extends Element = HTMLElement>(sel: string) => mount.host.querySelector<T>(sel);
const flush = () =>
  act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });

function render(worker: WorkerConn, inp: InputInfo, compact = false) {
  act(() => mount.root.render(<InputWidget worker={worker} uuid="n1" input={inp} compact={compact} />));
  return $<HTMLElement>('[data-testid="input-widget"]')!;
}

function typeInto(el: HTMLInputElement | HTMLSelectElement, value: string, event = 'input') {
  const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el) as object, 'value')?.set;
  act(() => {
    setter?.call(el, value);
    el.dispatchEvent(new Event(event, { bubbles: true }));
  });
}

describe('schema → data widgets', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['a DataFrame port → typed', { 'x-python-type': 'pandas.DataFrame' }, { kind: 'typed', pythonType: 'pandas.DataFrame' }],
    ['Optional[ndarray] → typed, nullable', { anyOf: [{ 'x-python-type': 'numpy.ndarray' }, { type: 'null' }] }, { kind: 'typed', nullable: true }],
    ['x-options-from on a string → choice', { type: 'string', 'x-options-from': 'table' }, { kind: 'choice', optionsFrom: 'table' }],
    ['x-options-from on list[str] → multichoice', { type: 'array', items: { type: 'string' }, 'x-options-from': 'table' }, { kind: 'multichoice' }],
    ['x-widget file → file', { type: 'string', 'x-widget': 'file' }, { kind: 'file', source: 'override' }],
  ])('%s', (_label, schema, expected) => {
    expect(widgetForSchema(schema)).toMatchObject(expected);
  });
});

describe('inputs only an edge can feed', () => {
  it('say what to connect instead of offering a JSON editor', () => {
    const { worker } = fakeWorker();
    const el = render(worker, input({ 'x-python-type': 'pandas.DataFrame' }, { type: 'DataFrame' }));
    expect(el.dataset.kind).toBe('typed');
    expect(el.textContent).toContain('connect a DataFrame');
    expect(el.querySelector('textarea')).toBeNull();
    expect(connectText('ndarray')).toBe('connect an ndarray');
  });
});

describe('column pickers', () => {
  const schema = { type: 'string', 'x-options-from': 'table' };

  it('offer the input options and follow them', () => {
    const { worker, sent } = fakeWorker();
    let el = render(worker, input(schema, { options: ['city', 'amount'], has_value: true, value: 'city' }));
    expect(el.dataset.kind).toBe('choice');
    const options = () => [...mount.host.querySelectorAll('[data-testid="choice-options"] option')].map((o) => o.getAttribute('value'));
    expect(options()).toEqual(['city', 'amount']);
    expect($<HTMLInputElement>('[data-testid="choice-input"]')?.value).toBe('city');
    el = render(worker, input(schema, { options: ['x', 'y', 'z'], has_value: true, value: 'city' }));
    expect(options()).toEqual(['x', 'y', 'z']);
    // a value that is no longer offered is kept, marked
    expect($('[data-testid="choice-input"]')?.classList.contains('nw-w-unknown')).toBe(true);
    // picking from the list sends at once
    const box = $<HTMLInputElement>('[data-testid="choice-input"]')!;
    act(() => box.focus());
    typeInto(box, 'y');
    expect(sent).toEqual(['y']);
    expect(el).toBeTruthy();
  });

  it('take a name not in the list on Enter', () => {
    const { worker, sent } = fakeWorker();
    render(worker, input(schema, { options: ['a'] }));
    const box = $<HTMLInputElement>('[data-testid="choice-input"]')!;
    act(() => box.focus());
    typeInto(box, 'later');
    expect(sent).toEqual([]);
    act(() => box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })));
    expect(sent).toEqual(['later']);
  });

  it('are a multi-select for a list of names', () => {
    const { worker, sent } = fakeWorker();
    const el = render(worker, input({ type: 'array', items: { type: 'string' }, 'x-options-from': 'table' }, { options: ['a', 'b', 'c'], has_value: true, value: ['c'] }));
    expect(el.dataset.kind).toBe('multichoice');
    const chips = [...mount.host.querySelectorAll<HTMLButtonElement>('[data-testid="choice-chip"]')];
    expect(chips.map((c) => [c.textContent, c.getAttribute('aria-pressed')])).toEqual([
      ['a', 'false'],
      ['b', 'false'],
      ['c', 'true'],
    ]);
    act(() => chips[0]!.click());
    expect(sent).toEqual([['a', 'c']]);
    expect(toggleChoice(['a', 'c'], 'c', ['a', 'b', 'c'])).toEqual(['a']);
    expect(toggleChoice(['a'], 'zz', ['a'])).toEqual(['a', 'zz']);
    expect(chosenList('x')).toEqual([]);
  });
});

describe('file pickers', () => {
  it('list the worker files and upload into files/', async () => {
    const listFiles = vi.fn(() => Promise.resolve([{ name: 'sales.csv', size: 2048, modified: 1 }]));
    let progress: ((f: number) => void) | undefined;
    let finish: (v: { path: string; size: number }) => void = () => undefined;
    const uploadFile = vi.fn((_file: File, opts?: { onProgress?(f: number): void }) => {
      progress = opts?.onProgress;
      return new Promise<{ path: string; size: number }>((resolve) => {
        finish = resolve;
      });
    });
    const { worker, sent } = fakeWorker({ listFiles, uploadFile });
    const el = render(worker, input({ type: 'string', 'x-widget': 'file' }, { has_value: true, value: 'old.csv' }));
    await flush();
    expect(el.dataset.kind).toBe('file');
    const select = el.querySelector('select')!;
    expect([...select.options].map((o) => o.value)).toEqual(['', 'old.csv', 'sales.csv']);
    expect(select.value).toBe('old.csv');
    act(() => select.focus());
    expect(listFiles).toHaveBeenCalledTimes(2);
    typeInto(select, 'sales.csv', 'change');
    expect(sent).toEqual(['sales.csv']);

    const picker = $<HTMLInputElement>('[data-testid="file-upload-input"]')!;
    const file = new File(['a,b\n1,2\n'], 'new.csv', { type: 'text/csv' });
    Object.defineProperty(picker, 'files', { value: [file], configurable: true });
    act(() => picker.dispatchEvent(new Event('change', { bubbles: true })));
    expect(uploadFile).toHaveBeenCalledWith(file, expect.anything());
    act(() => progress?.(0.5));
    expect($('[data-testid="file-upload"]')?.textContent).toBe('50%');
    await act(async () => {
      finish({ path: 'new.csv', size: 8 });
      await Promise.resolve();
    });
    await flush();
    expect(sent).toEqual(['sales.csv', 'new.csv']);
    expect($('[data-testid="file-upload"]')?.textContent).toBe('Upload…');
  });

  it('keep a current value that is not in files/', () => {
    expect(fileChoices([], 'gone.csv')).toEqual([{ name: 'gone.csv', label: 'gone.csv (not in files/)', size: null, missing: true }]);
    expect(fileChoices(null, '')).toEqual([]);
  });
});
