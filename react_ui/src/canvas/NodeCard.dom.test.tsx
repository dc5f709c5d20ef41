// @vitest-environment happy-dom
import { act } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import type { WorkerConn } from '../hooks/useWorker';
import type { NodeInfo } from '../protocol/generated';
import { node } from '../testing/fixtures';
import { mountPoint } from '../testing/mount';
import { CardWorkerContext, ExecutorContext, NodeStoreContext, PausedContext } from './context';
import { NodeCard } from './NodeCard';
import { NodeStore } from './nodeStore';

const mount = mountPoint();

const worker = { client: { call: () => Promise.resolve(null) }, inputBusy: () => false } as unknown as WorkerConn;

function render(info: NodeInfo, opts: { paused?: boolean; executors?: Map<string, string>; store?: NodeStore } = {}) {
  const props = { id: info.uuid, data: { info, progress: null }, selected: false } as unknown as Parameters<typeof NodeCard>[0];
  act(() =>
    mount.root.render(
      <ReactFlowProvider>
        <CardWorkerContext.Provider value={worker}>
          <NodeStoreContext.Provider value={opts.store ?? null}>
            <PausedContext.Provider value={opts.paused ?? false}>
              <ExecutorContext.Provider value={opts.executors ?? new Map()}>
                <NodeCard {...props} />
              </ExecutorContext.Provider>
            </PausedContext.Provider>
          </NodeStoreContext.Provider>
        </CardWorkerContext.Provider>
      </ReactFlowProvider>,
    ),
  );
}

const $ = (testid: string) => mount.host.querySelector<HTMLElement>(`[data-testid="${testid}"]`);

describe('NodeCard: runs', () => {
  it('shows "superseded, finishing" while earlier runs finish, with the count when several', () => {
    render(node('n1', { inputs: [], stale_runs: 1 }));
    expect($('node-finishing')?.textContent).toBe('superseded, finishing');
    expect($('node-finishing')?.title).toBe('an earlier run was superseded and is still finishing; its result will be dropped');
    render(node('n1', { inputs: [], stale_runs: 2 }));
    expect($('node-finishing')?.textContent).toBe('superseded, finishing (2)');
    render(node('n1', { inputs: [] }));
    expect($('node-finishing')).toBeNull();
  });

  it('follows the live NodeInfo of the store: the note goes when the count drops to 0', () => {
    const store = new NodeStore();
    const first = node('n1', { inputs: [], stale_runs: 1 });
    store.set({ n1: first });
    render(first, { store });
    expect($('node-finishing')).not.toBeNull();
    act(() => {
      store.set({ n1: node('n1', { inputs: [], status: 'done' }) });
      store.notify();
    });
    expect($('node-finishing')).toBeNull();
    expect($('node-status')?.textContent).toBe('done');
  });

  it('says "not run" for a stale node while the worker is paused', () => {
    render(node('n1', { inputs: [], status: 'stale' }), { paused: true });
    expect($('node-status')?.textContent).toBe('not run');
    expect($('node-status')?.dataset.status).toBe('stale');
    render(node('n1', { inputs: [], status: 'stale' }), { paused: false });
    expect($('node-status')?.textContent).toBe('stale');
  });

  it('marks cluster and process node types in the header', () => {
    const executors = new Map([
      ['x.dask', 'dask'],
      ['x.proc', 'process'],
    ]);
    render(node('n1', { inputs: [], node_id: 'x.dask' }), { executors });
    expect($('node-executor')?.textContent).toBe('cluster');
    expect($('node-executor')?.title).toBe('runs on the Dask cluster');
    render(node('n1', { inputs: [], node_id: 'x.proc' }), { executors });
    expect($('node-executor')?.textContent).toBe('process');
    render(node('n1', { inputs: [], node_id: 'bench.add1' }), { executors });
    expect($('node-executor')).toBeNull();
  });
});
