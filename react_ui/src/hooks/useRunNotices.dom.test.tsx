// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWorkerClient, type WorkerClient } from '../protocol/client';
import { LIFETIME_MS, ToastProvider } from '../ui/toast';
import { mountPoint } from '../testing/mount';
import { useRunNotices } from './useRunNotices';

const mount = mountPoint();

function Probe({ client }: { client: WorkerClient }) {
  useRunNotices(client);
  return null;
}

function event(client: WorkerClient, seq: number, name: string, data: Record<string, unknown>) {
  act(() => client.handleFrame(JSON.stringify({ type: 'event', seq, event: name, data })));
}

afterEach(() => {
  vi.useRealTimers();
});

describe('useRunNotices', () => {
  it('shows moved_off_loop as an info toast that goes by itself', () => {
    vi.useFakeTimers();
    const client = createWorkerClient();
    act(() =>
      mount.root.render(
        <ToastProvider>
          <Probe client={client} />
        </ToastProvider>,
      ),
    );
    event(client, 1, 'hello', { protocol_version: 1, version: 'x', worker_id: 'w', pid: 1 });
    expect(mount.host.querySelector('[data-testid="toast"]')).toBeNull();
    event(client, 2, 'moved_off_loop', { uuid: 'u1', node_id: 'demo.slow', seconds: 0.3 });
    const toast = mount.host.querySelector<HTMLElement>('[data-testid="toast"]');
    expect(toast?.dataset.kind).toBe('info');
    expect(toast?.textContent).toContain(
      "demo.slow blocked the worker for 0.3 s — it now runs in a thread. Declare executor='thread' or 'process' in its module.",
    );
    act(() => vi.advanceTimersByTime(LIFETIME_MS.info + 10));
    expect(mount.host.querySelector('[data-testid="toast"]')).toBeNull();
  });

  it('stops listening when unmounted', () => {
    const client = createWorkerClient();
    act(() =>
      mount.root.render(
        <ToastProvider>
          <Probe client={client} />
        </ToastProvider>,
      ),
    );
    act(() => mount.root.render(<ToastProvider>{null}</ToastProvider>));
    event(client, 1, 'moved_off_loop', { uuid: 'u1', node_id: 'demo.slow', seconds: 1 });
    expect(mount.host.querySelector('[data-testid="toast"]')).toBeNull();
  });
});
