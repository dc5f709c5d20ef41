// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { HubConn } from '../hooks/useHub';
import { createHubClient, RpcError } from '../protocol/client';
import type { ImportBundleResult, ReadBundleResult, WorkerRecord } from '../protocol/generated';
import { mountPoint } from '../testing/mount';
import { ToastProvider } from '../ui/toast';
import { WorkersPanel } from '../workers/WorkersPanel';
import { MAX_BUNDLE_UPLOAD } from './model';

type Reply = (kwargs: Record<string, unknown>) => unknown;

function fakeHub(replies: Record<string, Reply>) {
  const client = createHubClient();
  const calls: [string, Record<string, unknown>][] = [];
  client.send = async (cmd: string, kwargs: Record<string, unknown> = {}) => {
    calls.push([cmd, kwargs]);
    const reply = replies[cmd];
    return reply ? reply(kwargs) : [];
  };
  const hub: HubConn = {
    client,
    state: 'open',
    error: null,
    workers: { byId: {}, envProgress: {}, loaded: true, needsRefetch: false },
  };
  const sent = () => calls.filter(([cmd]) => cmd !== 'list_funcnodes_workers');
  return { hub, sent };
}

const mount = mountPoint();
const $ = (testid: string) => document.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
const flush = () => act(async () => new Promise<void>((r) => setTimeout(r, 0)));

function render(hub: HubConn) {
  const onOpen = vi.fn();
  act(() =>
    mount.root.render(
      <ToastProvider>
        <WorkersPanel hub={hub} selectedId={null} onOpen={onOpen} />
      </ToastProvider>,
    ),
  );
  return onOpen;
}

async function click(el: HTMLElement | null) {
  expect(el).not.toBeNull();
  await act(async () => el?.click());
}

function type(el: HTMLInputElement, value: string) {
  act(() => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

function pick(file: File) {
  const input = $('bundle-import-file') as HTMLInputElement;
  Object.defineProperty(input, 'files', { configurable: true, value: [file] });
  act(() => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

const BYTES = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x01]);
const SOURCE = 'from nodeweave import node\n\n@node(id="bund.double")\ndef double(x: float) -> float:\n    return 2 * x\n';

const read: ReadBundleResult = {
  name: 'bund',
  document: { nodes: [{ uuid: 'a' }, { uuid: 'b' }], edges: [] },
  modules: { 'bund.py': SOURCE },
  files: [],
  requirements: ['six==1.16.0'],
  written_by: '0.1.0',
};

const rec = (id: string, name: string): WorkerRecord => ({ id, name, status: 'stopped' });

const imported: ImportBundleResult = {
  worker: rec('bund-copy', 'bund copy'),
  nodes: 2,
  modules: ['bund.py'],
  files: [],
  requirements: ['six==1.16.0'],
  installed: true,
  written_by: '0.1.0',
};

describe('Import bundle', () => {
  it('reads the bundle first, shows its modules and their source with the trust statement, then imports and opens', async () => {
    const { hub, sent } = fakeHub({ read_bundle: () => read, import_bundle: () => imported });
    const onOpen = render(hub);
    const toggle = $('bundle-import');
    expect(toggle?.getAttribute('aria-label')).toBe('Import bundle');
    await click(toggle);
    const form = $('bundle-import-form');
    expect(form?.getAttribute('aria-label')).toBe('Import bundle');
    const input = $('bundle-import-file') as HTMLInputElement;
    expect(input.accept).toBe('.nwflow');
    expect(document.querySelector(`label[for="${input.id}"]`)).not.toBeNull();
    expect(($('bundle-import-read') as HTMLButtonElement).disabled).toBe(true);

    pick(new File([BYTES], 'bund.nwflow'));
    type($('bundle-import-name') as HTMLInputElement, ' bund copy ');
    await click($('bundle-import-install'));
    await click($('bundle-import-read'));
    await flush();
    // read only: nothing imported yet
    expect(sent()).toEqual([['read_bundle', { data: btoa(String.fromCharCode(...BYTES)) }]]);
    const trust = $('bundle-trust');
    expect(trust?.textContent).toContain(
      'Importing writes these node modules into the new worker; they run, with your rights, when it starts.',
    );
    const mod = document.querySelector<HTMLElement>('[data-testid="bundle-module"][data-module="bund.py"]');
    expect(mod?.querySelector('summary')?.textContent).toContain('view source');
    expect(mod?.querySelector('[data-testid="bundle-module-source"]')?.textContent).toBe(SOURCE);
    expect($('bundle-import-holds')?.textContent).toBe('2 nodes, 1 node module, 0 data files; packages: six==1.16.0');

    await click($('bundle-import-confirm'));
    await flush();
    expect(sent()[1]).toEqual(['import_bundle', { data: btoa(String.fromCharCode(...BYTES)), name: 'bund copy', install: true }]);
    const summary = $('bundle-import-result');
    expect(summary?.textContent).toContain('Imported bund copy');
    expect($('bundle-import-counts')?.textContent).toBe('2 nodes, 1 node module, 0 data files');
    expect($('bundle-import-requirements')?.textContent).toContain('installed into its own environment');
    await click($('bundle-import-open'));
    expect(onOpen).toHaveBeenCalledWith('bund-copy');
    expect($('bundle-import-result')).toBeNull();
  });

  it('cancelling at the trust statement imports nothing', async () => {
    const { hub, sent } = fakeHub({ read_bundle: () => read });
    render(hub);
    await click($('bundle-import'));
    pick(new File([BYTES], 'bund.nwflow'));
    await click($('bundle-import-read'));
    await flush();
    await click($('bundle-import-cancel'));
    expect($('bundle-import-review')).toBeNull();
    expect(sent().map(([cmd]) => cmd)).toEqual(['read_bundle']);
  });

  it('refuses a file over 2 MB with the command line, and shows a refused bundle', async () => {
    const { hub, sent } = fakeHub({
      read_bundle: () => {
        throw new RpcError('invalid_document', 'written by a newer nodeweave (9.0); update to read it');
      },
    });
    render(hub);
    await click($('bundle-import'));
    pick(new File([new Uint8Array(MAX_BUNDLE_UPLOAD + 1)], 'big.nwflow'));
    expect($('bundle-import-error')?.textContent).toContain('nodeweave import FILE');
    expect(($('bundle-import-read') as HTMLButtonElement).disabled).toBe(true);
    expect(sent()).toEqual([]);

    pick(new File([BYTES], 'new.nwflow'));
    expect($('bundle-import-error')).toBeNull();
    await click($('bundle-import-read'));
    await flush();
    expect($('bundle-import-error')?.textContent).toContain('written by a newer nodeweave');
    expect($('bundle-trust')).toBeNull();
  });
});
