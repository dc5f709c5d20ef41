// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHubClient } from '../protocol/client';
import { mountPoint } from '../testing/mount';
import { ExportBundleDialog } from './ExportBundle';

const mount = mountPoint();
const $ = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const $$ = (id: string) => Array.from(document.querySelectorAll<HTMLInputElement>(`[data-testid="${id}"]`));
const flush = () => act(async () => new Promise<void>((r) => setTimeout(r, 0)));

const MB = 1024 * 1024;

function fakeHub(files: { path: string; size: number }[]) {
  const client = createHubClient();
  const calls: [string, Record<string, unknown>][] = [];
  client.send = async (cmd: string, kwargs: Record<string, unknown> = {}) => {
    calls.push([cmd, kwargs]);
    if (cmd !== 'export_bundle') throw new Error(`unexpected ${cmd}`);
    const chosen = (kwargs.files as string[] | undefined) ?? [];
    return {
      name: 'Flow',
      modules: ['bund.py'],
      files: chosen,
      requirements: ['six==1.16.0'],
      files_available: files,
      data: kwargs.dry_run ? null : btoa('PK-bundle'),
      size: kwargs.dry_run ? 0 : 9,
    };
  };
  return { client, calls };
}

describe('ExportBundleDialog', () => {
  afterEach(() => vi.restoreAllMocks());

  it('lists modules and files from a dry run, totals the chosen files, then downloads <id>.nwflow', async () => {
    const { client, calls } = fakeHub([
      { path: 'data.csv', size: 2048 },
      { path: 'big.bin', size: 300 * MB },
    ]);
    const clicks: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this.download);
    });
    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b: Blob | MediaSource) => {
      if (b instanceof Blob) blobs.push(b);
      return 'blob:x';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const onClose = vi.fn();
    const onDone = vi.fn();
    act(() => mount.root.render(<ExportBundleDialog client={client} id="flow-1" name="Flow" onClose={onClose} onDone={onDone} />));
    await flush();
    expect(calls[0]).toEqual(['export_bundle', { id: 'flow-1', dry_run: true }]);
    const dialog = $('bundle-export-dialog');
    expect(dialog?.getAttribute('role')).toBe('dialog');
    expect(dialog?.textContent).toContain('Secrets are never exported');
    expect($('bundle-export-modules')?.textContent).toContain('bund.py');
    expect($$('bundle-export-file').map((f) => f.dataset.path)).toEqual(['data.csv', 'big.bin']);
    expect($('bundle-export-total')?.textContent).toBe('0 files chosen: 0 B');

    // the big file is over 256 MB: refused, Export off
    await act(async () => $$('bundle-export-file')[1]?.click());
    expect($('bundle-export-refused')?.textContent).toContain('256.0 MB');
    expect(($('bundle-export-ok') as HTMLButtonElement).disabled).toBe(true);
    await act(async () => $$('bundle-export-file')[1]?.click());
    await act(async () => $$('bundle-export-file')[0]?.click());
    expect($('bundle-export-refused')).toBeNull();
    expect($('bundle-export-total')?.textContent).toBe('1 file chosen: 2.0 KB');

    await act(async () => $('bundle-export-ok')?.click());
    await flush();
    expect(calls[1]).toEqual(['export_bundle', { id: 'flow-1', files: ['data.csv'] }]);
    expect(clicks).toEqual(['flow-1.nwflow']);
    expect(await blobs[0]?.text()).toBe('PK-bundle');
    expect(onDone).toHaveBeenCalledWith('Exported flow-1.nwflow (9 B)');
    expect(onClose).toHaveBeenCalled();
  });

  it('shows a failed dry run, and closes on Escape', async () => {
    const client = createHubClient();
    client.send = async () => {
      throw new Error('no such worker');
    };
    const onClose = vi.fn();
    act(() => mount.root.render(<ExportBundleDialog client={client} id="x" name="X" onClose={onClose} />));
    await flush();
    expect($('bundle-export-error')?.textContent).toContain('no such worker');
    act(() => {
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    expect(onClose).toHaveBeenCalled();
  });
});
