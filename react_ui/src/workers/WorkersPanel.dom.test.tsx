// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { HubConn } from '../hooks/useHub';
import { createHubClient, RpcError } from '../protocol/client';
import type { EnvProgressData, WorkerRecord } from '../protocol/generated';
import { ToastProvider } from '../ui/toast';
import { WorkersPanel } from './WorkersPanel';
import { mountPoint } from '../testing/mount';

type Reply = (kwargs: Record<string, unknown>) => unknown;

/** A hub connection whose commands are answered by `replies` (and recorded in `calls`). */
function fakeHub(
  workers: WorkerRecord[],
  replies: Record<string, Reply> = {},
  envProgress: Record<string, EnvProgressData> = {},
) {
  const client = createHubClient();
  const calls: [string, Record<string, unknown>][] = [];
  client.send = async (cmd: string, kwargs: Record<string, unknown> = {}) => {
    // the panel lists FuncNodes workers on connect (ImportFuncNodes.dom.test.tsx covers that)
    if (cmd === 'list_funcnodes_workers' && !replies[cmd]) return [];
    calls.push([cmd, kwargs]);
    const reply = replies[cmd];
    return reply ? reply(kwargs) : null;
  };
  const hub: HubConn = {
    client,
    state: 'open',
    error: null,
    workers: {
      byId: Object.fromEntries(workers.map((w) => [w.id, w])),
      envProgress,
      loaded: true,
      needsRefetch: false,
    },
  };
  return { hub, calls };
}

const rec = (id: string, fields: Partial<WorkerRecord> = {}): WorkerRecord => ({
  id,
  name: id[0]!.toUpperCase() + id.slice(1),
  status: 'stopped',
  ...fields,
});

const mount = mountPoint();

function render(hub: HubConn, selectedId: string | null = null, onOpen = vi.fn()) {
  act(() =>
    mount.root.render(
      <ToastProvider>
        <WorkersPanel hub={hub} selectedId={selectedId} onOpen={onOpen} />
      </ToastProvider>,
    ),
  );
  return onOpen;
}

const q = (sel: string, from: ParentNode = document) => from.querySelector<HTMLElement>(sel);
const row = (id: string) => q(`[data-testid="worker-row"][data-worker-id="${id}"]`) as HTMLElement;
const inRow = (id: string, testid: string) => q(`[data-testid="${testid}"]`, row(id));

async function click(el: HTMLElement | null) {
  expect(el).not.toBeNull();
  await act(async () => {
    el?.click();
  });
}

function type(el: HTMLInputElement | HTMLTextAreaElement, value: string) {
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  act(() => {
    Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

function key(el: Element, k: string) {
  act(() => {
    el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
  });
}

describe('WorkersPanel', () => {
  it('shows every row as unknown while the hub is unreachable, and the live status again after', () => {
    const { hub } = fakeHub([rec('zeta', { status: 'running', port: 9000 }), rec('alpha')]);
    render({ ...hub, state: 'waiting' });
    for (const id of ['zeta', 'alpha']) {
      expect(inRow(id, 'worker-status')?.textContent).toBe('unknown (hub unreachable)');
      expect(inRow(id, 'worker-status')?.dataset.status).toBe('unknown');
      expect(row(id).dataset.shownStatus).toBe('unknown');
    }
    render(hub);
    expect(inRow('zeta', 'worker-status')?.textContent).toBe('running');
    expect(inRow('alpha', 'worker-status')?.textContent).toBe('stopped');
    expect(row('zeta').dataset.shownStatus).toBe('running');
  });

  it('lists workers by name with status and the actions that fit', () => {
    const { hub } = fakeHub([rec('zeta', { status: 'running', port: 9000, pid: 7 }), rec('alpha'), rec('mid', { status: 'starting' })]);
    render(hub, 'zeta');
    const rows = Array.from(document.querySelectorAll<HTMLElement>('[data-testid="worker-row"]'));
    expect(rows.map((r) => [r.dataset.workerId, r.dataset.status])).toEqual([
      ['alpha', 'stopped'],
      ['mid', 'starting'],
      ['zeta', 'running'],
    ]);
    expect(q('[data-testid="worker-count"]')?.textContent).toBe('3');
    expect(row('zeta').getAttribute('aria-current')).toBe('true');
    expect(row('alpha').getAttribute('aria-current')).toBeNull();
    expect(inRow('zeta', 'worker-status')?.textContent).toBe('running');
    expect(inRow('zeta', 'worker-name')?.textContent).toBe('Zeta');

    const actions = (id: string) =>
      Array.from(row(id).querySelectorAll<HTMLElement>('button[data-testid^="worker-"]'))
        .map((b) => b.dataset.testid)
        .filter((t) => t !== 'worker-name');
    expect(actions('alpha')).toEqual(['worker-open', 'worker-start', 'worker-logs', 'worker-delete']);
    expect(actions('mid')).toEqual(['worker-open', 'worker-stop', 'worker-logs', 'worker-delete']);
    expect(actions('zeta')).toEqual(['worker-open', 'worker-stop', 'worker-restart', 'worker-logs', 'worker-delete']);
    for (const b of row('zeta').querySelectorAll('.nw-worker-actions button')) {
      expect(b.getAttribute('aria-label')).toBeTruthy();
      expect(b.getAttribute('title')).toBeTruthy();
    }
  });

  it('opens a worker from its name or the open button', async () => {
    const { hub } = fakeHub([rec('alpha')]);
    const onOpen = render(hub);
    await click(inRow('alpha', 'worker-name'));
    await click(inRow('alpha', 'worker-open'));
    expect(onOpen.mock.calls).toEqual([['alpha'], ['alpha']]);
  });

  it('sends life-cycle commands and disables a button while its command runs', async () => {
    let finish: (v: unknown) => void = () => undefined;
    const { hub, calls } = fakeHub([rec('alpha')], {
      start_worker: () => new Promise((resolve) => (finish = resolve)),
    });
    render(hub);
    await click(inRow('alpha', 'worker-start'));
    expect(calls).toEqual([['start_worker', { id: 'alpha' }]]);
    expect((inRow('alpha', 'worker-start') as HTMLButtonElement).disabled).toBe(true);
    await act(async () => finish(rec('alpha', { status: 'running' })));
    expect((inRow('alpha', 'worker-start') as HTMLButtonElement).disabled).toBe(false);
  });

  it('shows a failed command as an error toast', async () => {
    const { hub } = fakeHub([rec('alpha', { status: 'running' })], {
      stop_worker: () => {
        throw new RpcError('invalid_state', 'it is busy');
      },
    });
    render(hub);
    await click(inRow('alpha', 'worker-stop'));
    const toast = q('[data-testid="toast"]');
    expect(toast?.dataset.kind).toBe('error');
    expect(toast?.textContent).toContain('it is busy (invalid_state)');
  });

  it('creates a worker, opens it and starts it', async () => {
    const { hub, calls } = fakeHub([], {
      create_worker: (kw) => rec('flow', { name: String(kw.name) }),
      start_worker: () => rec('flow', { status: 'running' }),
    });
    const onOpen = render(hub);
    expect(q('[data-testid="workers-empty"]')).not.toBeNull();
    await click(q('[data-testid="worker-new"]'));
    const name = q('[data-testid="worker-create-name"]') as HTMLInputElement;
    expect(document.activeElement).toBe(name);
    // A name is required.
    await click(q('[data-testid="worker-create-submit"]'));
    expect(q('[data-testid="worker-create-error"]')?.textContent).toContain('name');
    expect(calls).toEqual([]);

    type(name, '  Flow ');
    await act(async () => {
      name.form?.requestSubmit();
    });
    expect(calls).toEqual([
      ['create_worker', { name: 'Flow' }],
      ['start_worker', { id: 'flow' }],
    ]);
    expect(onOpen).toHaveBeenCalledWith('flow');
    expect(q('[data-testid="worker-create-name"]')).toBeNull();
  });

  it('passes requirements and shows a refusal inline', async () => {
    const { hub, calls } = fakeHub([], {
      create_worker: () => {
        throw new RpcError('invalid_arguments', 'bad name');
      },
    });
    render(hub);
    await click(q('[data-testid="worker-new"]'));
    type(q('[data-testid="worker-create-name"]') as HTMLInputElement, 'Data');
    type(q('[data-testid="worker-create-requirements"]') as HTMLTextAreaElement, 'numpy\n\npandas>=2\n');
    await click(q('[data-testid="worker-create-submit"]'));
    expect(calls).toEqual([['create_worker', { name: 'Data', requirements: ['numpy', 'pandas>=2'] }]]);
    expect(q('[data-testid="worker-create-error"]')?.textContent).toBe('bad name (invalid_arguments)');
    expect(q('[data-testid="worker-create-name"]')).not.toBeNull();
  });

  it('asks before deleting, and closes the deleted worker', async () => {
    const { hub, calls } = fakeHub([rec('doomed', { name: 'Doomed' })]);
    const onOpen = render(hub, 'doomed');
    await click(inRow('doomed', 'worker-delete'));
    const dialog = q('[data-testid="confirm-dialog"]');
    expect(dialog?.getAttribute('role')).toBe('dialog');
    expect(dialog?.textContent).toContain('Doomed');
    expect(dialog?.textContent).toContain('graph');
    expect(document.activeElement).toBe(q('[data-testid="confirm-cancel"]'));
    key(document.activeElement as HTMLElement, 'Escape');
    expect(q('[data-testid="confirm-dialog"]')).toBeNull();
    expect(calls).toEqual([]);

    await click(inRow('doomed', 'worker-delete'));
    await click(q('[data-testid="confirm-ok"]'));
    expect(q('[data-testid="confirm-dialog"]')).toBeNull();
    expect(calls).toEqual([['delete_worker', { id: 'doomed' }]]);
    expect(onOpen).toHaveBeenCalledWith(null);
  });

  it('shows environment progress while it builds', () => {
    const { hub } = fakeHub([rec('env', { venv: true, requirements: ['numpy'] })], {}, {
      env: { id: 'env', stage: 'install', message: 'Installing numpy', fraction: 0.5 },
    });
    render(hub);
    const progress = inRow('env', 'worker-env-progress');
    expect(progress?.textContent).toContain('install');
    expect(progress?.textContent).toContain('Installing numpy');
    expect(progress?.querySelector('progress')?.getAttribute('value')).toBe('0.5');
  });

  it('says why a worker failed, with the installer output', () => {
    const { hub } = fakeHub([
      rec('crashy', { status: 'failed', error: 'exited with code 1' }),
      rec('broken', { env_error: 'ERROR: No matching distribution found' }),
    ]);
    render(hub);
    expect(inRow('crashy', 'worker-error')?.textContent).toBe('exited with code 1');
    expect(row('broken').dataset.status).toBe('failed');
    expect(inRow('broken', 'worker-error')).not.toBeNull();
    expect(row('broken').querySelector('details pre')?.textContent).toBe('ERROR: No matching distribution found');
    expect(inRow('broken', 'worker-start')).not.toBeNull();
  });

  it('offers safe start for a failed worker and says which node it hung in', async () => {
    const { hub, calls } = fakeHub([
      rec('hangs', {
        status: 'failed',
        error: 'hung 3 times within 600 s; last: hung while running node abc (type demo.spin); killed.',
        hung_node: { uuid: 'abcdef0123456789', node_id: 'demo.spin' },
      }),
      rec('crashy', { status: 'failed', error: 'exited with code 1' }),
      rec('idle'),
      rec('broken', { env_error: 'ERROR: No matching distribution found' }),
    ]);
    render(hub);
    expect(inRow('hangs', 'worker-error')?.textContent).toContain('hung 3 times within 600 s');
    expect(inRow('hangs', 'worker-hung')?.textContent).toBe('hung in demo.spin (abcdef01)');
    expect(inRow('crashy', 'worker-hung')).toBeNull();
    expect(inRow('crashy', 'worker-safe-start')).not.toBeNull();
    // a stopped worker starts as usual; an environment that did not build is not fixed by it
    expect(inRow('idle', 'worker-safe-start')).toBeNull();
    expect(inRow('broken', 'worker-safe-start')).toBeNull();
    await click(inRow('hangs', 'worker-safe-start'));
    expect(calls).toEqual([['start_worker', { id: 'hangs', safe: true }]]);
  });

  it('marks a worker running in safe start', () => {
    const { hub } = fakeHub([
      rec('safe', { status: 'running', port: 9001, safe: true }),
      rec('plain', { status: 'running', port: 9002, safe: false }),
    ]);
    render(hub);
    expect(inRow('safe', 'worker-safe')?.textContent).toBe('safe start');
    expect(inRow('plain', 'worker-safe')).toBeNull();
    expect(inRow('safe', 'worker-safe-start')).toBeNull();
  });

  it('shows the log tail on demand and refreshes it', async () => {
    vi.useFakeTimers();
    let lines: string[] = [];
    const { hub, calls } = fakeHub([rec('alpha', { status: 'running' })], {
      worker_logs: (kw) => ({ id: kw.id, lines }),
    });
    render(hub);
    await click(inRow('alpha', 'worker-logs'));
    expect(calls).toEqual([['worker_logs', { id: 'alpha', lines: 200 }]]);
    expect(inRow('alpha', 'worker-log')?.textContent).toBe('no output yet');
    expect(inRow('alpha', 'worker-log')?.tagName).toBe('PRE');

    lines = ['worker alpha listening', 'ready'];
    await act(async () => {
      await vi.advanceTimersByTimeAsync(2000);
    });
    expect(calls).toHaveLength(2);
    expect(inRow('alpha', 'worker-log')?.textContent).toBe('worker alpha listening\nready');

    await click(inRow('alpha', 'worker-log-close'));
    expect(inRow('alpha', 'worker-log')).toBeNull();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(6000);
    });
    expect(calls).toHaveLength(2);
  });
});
