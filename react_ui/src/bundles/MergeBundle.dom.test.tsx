// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { CARD_SIZE } from '../canvas/flow';
import { createHubClient, createWorkerClient } from '../protocol/client';
import type { NodeInfo, ReadBundleResult } from '../protocol/generated';
import { node } from '../testing/fixtures';
import { mountPoint } from '../testing/mount';
import { MERGE_MARGIN } from './model';
import { useMergeBundle } from './MergeBundle';

const mount = mountPoint();
const $ = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const flush = () => act(async () => new Promise<void>((r) => setTimeout(r, 0)));

const SOURCE = 'from nodeweave import node\n';

function bundle(modules: Record<string, string>): ReadBundleResult {
  return {
    name: 'bund',
    document: { nodes: [{ uuid: 'a', properties: { position: { x: 0, y: 0 } } }], edges: [] },
    modules,
    files: [],
    requirements: [],
    written_by: '0.1.0',
  };
}

function setup(read: ReadBundleResult, dropped: number, merged: Record<string, string> = { a: 'new-a' }) {
  const hub = createHubClient();
  const worker = createWorkerClient();
  const calls: [string, Record<string, unknown>][] = [];
  hub.send = async (cmd: string, kwargs: Record<string, unknown> = {}) => {
    calls.push([cmd, kwargs]);
    return read;
  };
  worker.send = async (cmd: string, kwargs: Record<string, unknown> = {}) => {
    calls.push([cmd, kwargs]);
    if (cmd === 'write_module') return { kind: 'loaded', module: 'bund', origin: 'file', node_ids: [] };
    return { nodes: merged, dropped_edges: Array.from({ length: dropped }, () => ({})) };
  };
  const nodes: NodeInfo[] = [node('x', { properties: { position: { x: 300, y: 40 } } })];
  const notify = vi.fn();
  const api: { mergeFile?: (file: File) => Promise<void>; mergeDocument?: (doc: Record<string, unknown>, name: string) => void } = {};
  function Harness() {
    const merge = useMergeBundle({ hub, worker, nodes: () => nodes, notify });
    api.mergeFile = merge.mergeFile;
    api.mergeDocument = merge.mergeDocument;
    return <>{merge.element}</>;
  }
  act(() => mount.root.render(<Harness />));
  const pick = async () => {
    await act(async () => api.mergeFile?.(new File([new Uint8Array([80, 75])], 'bund.nwflow')));
    await flush();
  };
  const pickFile = async (file: File) => {
    await act(async () => api.mergeFile?.(file));
    await flush();
  };
  return { calls, notify, pick, pickFile, api };
}

const COMPOSITE_DOC = {
  schema_version: 1,
  nodes: [],
  edges: [],
  composites: { 'add-twice': { name: 'Add twice', nodes: [], edges: [], inputs: [], outputs: [] } },
};

describe('Merge bundle', () => {
  it('shows the modules first; confirmed, writes them, then merges right of the graph and reports dropped edges', async () => {
    const { calls, notify, pick } = setup(bundle({ 'bund.py': SOURCE }), 2);
    await pick();
    expect(calls.map(([c]) => c)).toEqual(['read_bundle']);
    expect($('bundle-merge-dialog')?.getAttribute('role')).toBe('dialog');
    expect($('bundle-trust')?.textContent).toContain('bund.py');
    expect($('bundle-module-source')?.textContent).toBe(SOURCE);
    await act(async () => $('bundle-merge-ok')?.click());
    await flush();
    expect(calls.slice(1)).toEqual([
      ['write_module', { name: 'bund.py', source: SOURCE }],
      [
        'merge_workflow',
        {
          document: bundle({}).document,
          offset_x: 300 + CARD_SIZE.width + MERGE_MARGIN,
          offset_y: 40,
        },
      ],
    ]);
    expect(notify).toHaveBeenCalledWith('Merged bund: 1 node; 2 edges dropped (their ports do not exist here)', 'info');
    expect($('bundle-merge-dialog')).toBeNull();
  });

  it('cancelled, writes nothing; without modules, no trust statement', async () => {
    const first = setup(bundle({ 'evil.py': 'import os' }), 0);
    await first.pick();
    await act(async () => $('bundle-merge-cancel')?.click());
    expect($('bundle-merge-dialog')).toBeNull();
    expect(first.calls.map(([c]) => c)).toEqual(['read_bundle']);

    const second = setup(bundle({}), 0);
    await second.pick();
    expect($('bundle-trust')).toBeNull();
    await act(async () => $('bundle-merge-ok')?.click());
    await flush();
    expect(second.calls.map(([c]) => c)).toEqual(['read_bundle', 'merge_workflow']);
    expect(second.notify).toHaveBeenCalledWith('Merged bund: 1 node', 'success');
  });

  it('merges a workflow document (.json): no hub, no modules; its composites named', async () => {
    const { calls, notify, pickFile } = setup(bundle({}), 0, {});
    await pickFile(new File([JSON.stringify(COMPOSITE_DOC)], 'add-twice.composite.json', { type: 'application/json' }));
    expect(calls).toEqual([]);
    expect($('bundle-merge-dialog')?.textContent).toContain('Merge add-twice?');
    expect($('bundle-merge-composites')?.textContent).toContain('add-twice');
    expect($('bundle-trust')).toBeNull();
    await act(async () => $('bundle-merge-ok')?.click());
    await flush();
    expect(calls).toEqual([['merge_workflow', { document: COMPOSITE_DOC, offset_x: expect.any(Number), offset_y: expect.any(Number) }]]);
    expect(notify).toHaveBeenCalledWith('Merged add-twice: 1 composite', 'success');
  });

  it('says so when a .json is no workflow document', async () => {
    const { calls, notify, pickFile } = setup(bundle({}), 0);
    await pickFile(new File(['{"rows": [1, 2]}'], 'data.json', { type: 'application/json' }));
    expect(calls).toEqual([]);
    expect(notify).toHaveBeenCalledWith('data.json is not a workflow document (nor a .nwflow bundle)', 'error');
    expect($('bundle-merge-dialog')).toBeNull();
  });

  it('asks before merging a document given as it is (a dropped composite)', async () => {
    const { calls, api } = setup(bundle({}), 0);
    act(() => api.mergeDocument?.(COMPOSITE_DOC, 'add-twice.composite.json'));
    expect($('bundle-merge-dialog')).not.toBeNull();
    await act(async () => $('bundle-merge-cancel')?.click());
    expect(calls).toEqual([]);
  });
});
