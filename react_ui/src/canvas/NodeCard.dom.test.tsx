// @vitest-environment happy-dom
import { act } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { describe, expect, it, vi } from 'vitest';
import type { WorkerConn } from '../hooks/useWorker';
import type { NodeInfo, ProgressData } from '../protocol/generated';
import { node } from '../testing/fixtures';
import { mountPoint } from '../testing/mount';
import { CardActionsContext, CardWorkerContext, ExecutorContext, NodeStoreContext, PausedContext, PortsContext, portKey, StreamContext, type CardActions } from './context';
import { NodeCard } from './NodeCard';
import { NodeStore } from './nodeStore';

const mount = mountPoint();

const worker = { client: { call: () => Promise.resolve(null) }, inputBusy: () => false } as unknown as WorkerConn;

interface RenderOptions {
  paused?: boolean;
  executors?: Map<string, string>;
  store?: NodeStore;
  streams?: Set<string>;
  actions?: CardActions | null;
  ports?: Map<string, string>;
  progress?: ProgressData | null;
}

function render(info: NodeInfo, opts: RenderOptions = {}) {
  const props = { id: info.uuid, data: { info, progress: opts.progress ?? null }, selected: false } as unknown as Parameters<typeof NodeCard>[0];
  act(() =>
    mount.root.render(
      <ReactFlowProvider>
        <CardWorkerContext.Provider value={worker}>
          <CardActionsContext.Provider value={opts.actions ?? null}>
            <NodeStoreContext.Provider value={opts.store ?? null}>
              <PausedContext.Provider value={opts.paused ?? false}>
                <ExecutorContext.Provider value={opts.executors ?? new Map()}>
                  <StreamContext.Provider value={opts.streams ?? new Set()}>
                    <PortsContext.Provider value={opts.ports ?? new Map()}>
                      <NodeCard {...props} />
                    </PortsContext.Provider>
                  </StreamContext.Provider>
                </ExecutorContext.Provider>
              </PausedContext.Provider>
            </NodeStoreContext.Provider>
          </CardActionsContext.Provider>
        </CardWorkerContext.Provider>
      </ReactFlowProvider>,
    ),
  );
}

function actions(over: Partial<CardActions> = {}): CardActions {
  return { rename: vi.fn(() => Promise.resolve(null)), setPaused: vi.fn(), openComposite: vi.fn(), runs: true, ...over };
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

describe('NodeCard: caches, sources, pauses, composites', () => {
  it('says where cached outputs came from', () => {
    render(node('n1', { inputs: [], status: 'done', cached: 'memory' }));
    expect($('node-cached')?.textContent).toBe('cached');
    expect($('node-cached')?.dataset.source).toBe('memory');
    expect($('node-cached')?.title).toContain('From the result cache (not run)');
    expect($('node-cached')?.title).toContain('memory of recent inputs');
    render(node('n1', { inputs: [], status: 'done', cached: 'disk' }));
    expect($('node-cached')?.title).toContain('on disk');
    render(node('n1', { inputs: [], status: 'done', cached: null }));
    expect($('node-cached')).toBeNull();
  });

  it('shows a live source with a pulsing "live", and a pause toggle on source cards only', () => {
    const a = actions();
    const streams = new Set(['sources.interval']);
    render(node('s', { inputs: [], node_id: 'sources.interval', status: 'done', live: true }), { streams, actions: a });
    expect($('node-live')?.textContent).toBe('live');
    const toggle = $('node-pause-toggle')!;
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    act(() => toggle.click());
    expect(a.setPaused).toHaveBeenCalledWith('s', true);
    render(node('n', { inputs: [], status: 'done' }), { streams, actions: a });
    expect($('node-pause-toggle')).toBeNull();
    expect($('node-live')).toBeNull();
  });

  it('looks paused: a chip, the card marked, no "live"; the toggle resumes', () => {
    const a = actions();
    const streams = new Set(['sources.interval']);
    render(node('s', { inputs: [], node_id: 'sources.interval', status: 'done', live: true, properties: { paused: true } }), { streams, actions: a });
    expect($('node-paused')?.textContent).toBe('paused');
    expect($('node-card')?.dataset.paused).toBe('true');
    expect($('node-card')?.classList.contains('nw-held')).toBe(true);
    expect($('node-live')).toBeNull();
    const toggle = $('node-pause-toggle')!;
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    act(() => toggle.click());
    expect(a.setPaused).toHaveBeenCalledWith('s', false);
  });

  it('marks composite nodes and opens them', () => {
    const a = actions();
    render(node('c', { inputs: [], node_id: 'composite.twice' }), { actions: a });
    expect($('node-composite')).not.toBeNull();
    expect($('node-card')?.classList.contains('nw-composite')).toBe(true);
    act(() => $('node-open-composite')!.click());
    expect(a.openComposite).toHaveBeenCalledWith('c');
    render(node('c', { inputs: [], node_id: 'composite.twice' }), { actions: actions({ openComposite: null }) });
    expect($('node-open-composite')).toBeNull();
    render(node('n', { inputs: [] }), { actions: a });
    expect($('node-composite')).toBeNull();
  });

  it("shows a running composite's progress like any node's (its inner nodes settled, of all)", () => {
    const progress = { uuid: 'c', fraction: 0.5, message: '2 of 4 inside' };
    render(node('c', { inputs: [], node_id: 'composite.twice', status: 'running' }), { actions: actions(), progress });
    expect($('node-progress')).not.toBeNull();
    expect(($('node-progress') as HTMLProgressElement).value).toBe(0.5);
    expect($('node-progress-text')?.textContent).toBe('50% — 2 of 4 inside');
    render(node('c', { inputs: [], node_id: 'composite.twice', status: 'done' }), { actions: actions(), progress });
    expect($('node-progress')).toBeNull();
  });

  it('inside a composite: no run button, renames through the given action, tags the ports', () => {
    const a = actions({ runs: false, setPaused: null });
    const ports = new Map([
      [portKey('in', 'n', 'a'), 'x'],
      [portKey('out', 'n', 'out'), 'result'],
    ]);
    render(node('n'), { actions: a, ports });
    expect($('node-trigger')).toBeNull();
    const tags = [...mount.host.querySelectorAll<HTMLElement>('[data-testid="port-tag"]')].map((t) => t.textContent);
    expect(tags).toEqual(['⇢ x', 'result ⇢']);
    act(() => void $('node-title')?.dispatchEvent(new MouseEvent('dblclick', { bubbles: true })));
    const field = $('node-title-input') as HTMLInputElement;
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(field, 'Inner');
      field.dispatchEvent(new Event('input', { bubbles: true }));
    });
    act(() => void field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })));
    expect(a.rename).toHaveBeenCalledWith('n', 'Inner');
  });
});
