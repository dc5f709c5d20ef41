// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { createWorkerClient, RpcError, type WorkerClient } from '../protocol/client';
import type { NodeInfo, PresetInfo } from '../protocol/generated';
import { input, node } from '../testing/fixtures';
import { mountPoint } from '../testing/mount';
import { ToastProvider } from '../ui/toast';
import { PresetsPanel } from './PresetsPanel';
import { useMigrationToasts } from './useMigrationToasts';

const mount = mountPoint();
const $ = (id: string, from: ParentNode = document) => from.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const $$ = (id: string, from: ParentNode = document) => Array.from(from.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`));
const flush = () => act(async () => new Promise<void>((r) => setTimeout(r, 0)));

let seq = 0;
function fire(client: WorkerClient, event: string, data: unknown) {
  act(() => client.handleFrame(JSON.stringify({ type: 'event', event, seq: ++seq, data })));
}

function fakeWorker(replies: Record<string, (kwargs: Record<string, unknown>) => unknown>) {
  const client = createWorkerClient();
  client.connectionOpened(() => undefined);
  seq = 0;
  const calls: [string, Record<string, unknown>][] = [];
  client.send = async (cmd: string, kwargs: Record<string, unknown> = {}) => {
    calls.push([cmd, kwargs]);
    const reply = replies[cmd];
    if (!reply) throw new Error(`unexpected ${cmd}`);
    return reply(kwargs);
  };
  return { client, calls };
}

const nodes: Record<string, NodeInfo> = {
  n1: node('n1', {
    name: 'Number',
    inputs: [input('value', { has_value: true }), input('step', { has_value: false }), input('wired', { connected: true, has_value: false })],
  }),
  n2: node('n2', { name: 'Double', inputs: [input('x', { has_value: true })] }),
};

const fits: PresetInfo = { name: 'answer', values: [{ node: 'n1', io: 'value', value: 21 }], problems: [] };
const broken: PresetInfo = { name: 'old', values: [{ node: 'gone12345678', io: 'a', value: 1 }], problems: ['node gone12345678 is not in the graph'] };

function render(client: WorkerClient, selection: string[] = []) {
  act(() =>
    mount.root.render(
      <PresetsPanel client={client} state="open" nodes={nodes} selection={() => selection} onClose={() => undefined} />,
    ),
  );
}

describe('PresetsPanel', () => {
  it('lists presets with their values; one with problems is flagged, its reasons shown and Apply off', async () => {
    const { client } = fakeWorker({ list_presets: () => ({ presets: [fits, broken] }) });
    render(client);
    await flush();
    const items = $$('preset-item');
    expect(items.map((i) => i.dataset.presetName)).toEqual(['answer', 'old']);
    expect($('preset-value', items[0])?.textContent).toBe('Number.value = 21');
    expect(($('preset-apply', items[0]) as HTMLButtonElement).disabled).toBe(false);
    expect($('preset-problems', items[1])?.textContent).toContain('not in the graph');
    const apply = $('preset-apply', items[1]) as HTMLButtonElement;
    expect(apply.disabled).toBe(true);
    expect(apply.getAttribute('aria-label')).toBe('Apply old');
    expect(document.getElementById(apply.getAttribute('aria-describedby') ?? '')?.textContent).toContain('not in the graph');
  });

  it('saves a preset from chosen inputs of the selected nodes', async () => {
    let presets: PresetInfo[] = [];
    const { client, calls } = fakeWorker({
      list_presets: () => ({ presets }),
      save_preset: () => ({ values: [] }),
    });
    render(client, ['n1']);
    await flush();
    expect($('presets-empty')).not.toBeNull();
    await act(async () => $('presets-save')?.click());
    const boxes = $$('preset-save-input') as HTMLInputElement[];
    expect(boxes.map((b) => `${b.dataset.uuid}.${b.dataset.io}:${b.checked}:${b.disabled}`)).toEqual([
      'n1.value:true:false',
      'n1.step:false:false',
      'n1.wired:false:true',
    ]);
    await act(async () => boxes[1]?.click());
    const name = $('preset-save-name') as HTMLInputElement;
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(name, ' fast ');
      name.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect($('preset-save-submit')?.textContent).toBe('Save 2 values');
    await act(async () => $('preset-save-submit')?.click());
    await flush();
    expect(calls.find(([c]) => c === 'save_preset')).toEqual([
      'save_preset',
      { name: 'fast', inputs: [{ uuid: 'n1', io: 'value' }, { uuid: 'n1', io: 'step' }] },
    ]);
    expect($('preset-save-form')).toBeNull();
    // the worker's event brings the new list
    presets = [{ name: 'fast', values: [{ node: 'n1', io: 'value', value: 3 }], problems: [] }];
    fire(client, 'preset_changed', { name: 'fast', preset: { values: presets[0]!.values } });
    await flush();
    expect($$('preset-item').map((i) => i.dataset.presetName)).toEqual(['fast']);
  });

  it('without a selection, says to select nodes', async () => {
    const { client } = fakeWorker({ list_presets: () => ({ presets: [] }) });
    render(client, []);
    await flush();
    await act(async () => $('presets-save')?.click());
    expect($('preset-save-form')?.textContent).toContain('Select nodes on the canvas first');
  });

  it('applies (changed shown), shows a refusal’s problems, renames, deletes; refreshes after library changes', async () => {
    let refuse = false;
    const { client, calls } = fakeWorker({
      list_presets: () => ({ presets: [fits] }),
      apply_preset: () => {
        if (refuse) throw new RpcError('invalid_state', 'preset answer does not fit', { problems: ['Number.value: not a number'] });
        return { changed: 1 };
      },
      rename_preset: () => ({ values: fits.values }),
      delete_preset: () => ({ ok: true }),
    });
    render(client);
    await flush();
    await act(async () => $('preset-apply')?.click());
    await flush();
    expect(calls.find(([c]) => c === 'apply_preset')).toEqual(['apply_preset', { name: 'answer' }]);
    expect($('presets-note')?.textContent).toBe('Applied “answer”: 1 input changed');

    refuse = true;
    await act(async () => $('preset-apply')?.click());
    await flush();
    expect($('presets-note')?.getAttribute('role')).toBe('alert');
    expect($('presets-note')?.textContent).toContain('Number.value: not a number');

    await act(async () => $('preset-rename')?.click());
    const field = $('preset-rename-input') as HTMLInputElement;
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(field, 'forty-two');
      field.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => $('preset-rename-ok')?.click());
    await flush();
    expect(calls.find(([c]) => c === 'rename_preset')).toEqual(['rename_preset', { name: 'answer', to: 'forty-two' }]);

    await act(async () => $('preset-delete')?.click());
    await flush();
    expect(calls.find(([c]) => c === 'delete_preset')).toEqual(['delete_preset', { name: 'answer' }]);

    const lists = () => calls.filter(([c]) => c === 'list_presets').length;
    const before = lists();
    fire(client, 'library_changed', { added: [], removed: [], replaced: [] });
    await flush();
    expect(lists()).toBe(before + 1);
  });
});

describe('migration toasts', () => {
  function Harness({ client }: { client: WorkerClient }) {
    useMigrationToasts(client);
    return null;
  }
  it('say which nodes migrated, on load and on a rebound', () => {
    vi.useFakeTimers();
    try {
      const { client } = fakeWorker({});
      act(() =>
        mount.root.render(
          <ToastProvider>
            <Harness client={client} />
          </ToastProvider>,
        ),
      );
      fire(client, 'nodes_migrated', {
        migrated: [
          { uuid: 'a', from: 'old.id', to: 'new.id' },
          { uuid: 'b', from: 'old.id', to: 'new.id' },
        ],
      });
      const toasts = () => Array.from(document.querySelectorAll<HTMLElement>('[data-testid="toast"]')).map((t) => t.textContent ?? '');
      expect(toasts().some((t) => t.includes('2 nodes migrated: old.id → new.id'))).toBe(true);
      fire(client, 'node_rebound', { uuid: 'a', node_id: 'new.id', placeholder: false, dropped_inputs: [], dropped_edges: [], node: node('a', { name: 'Scale' }), migrated: 'v1 → v2' });
      expect(toasts().some((t) => t.includes('Scale migrated: v1 → v2'))).toBe(true);
      fire(client, 'node_rebound', { uuid: 'a', node_id: 'new.id', placeholder: false, dropped_inputs: [], dropped_edges: [], node: node('a', { name: 'Plain' }) });
      expect(toasts().some((t) => t.includes('Plain'))).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
