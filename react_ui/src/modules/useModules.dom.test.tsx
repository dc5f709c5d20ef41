// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWorkerClient, type WorkerClient } from '../protocol/client';
import { mountPoint } from '../testing/mount';
import { LIFETIME_MS, ToastProvider } from '../ui/toast';
import { useModules } from './useModules';

const mount = mountPoint();

let seq = 0;
function send(client: WorkerClient, event: string, data: unknown) {
  client.handleFrame(JSON.stringify({ type: 'event', event, seq: ++seq, data }));
}

function Harness({ client, openFile }: { client: WorkerClient; openFile?: (file: string, line: number | null) => void }) {
  useModules(client, 'open', openFile ? { openFile } : {});
  return null;
}

const toasts = () => Array.from(document.querySelectorAll<HTMLElement>('[data-testid="toast"]'));

describe('module events', () => {
  let client: WorkerClient;
  beforeEach(() => {
    vi.useFakeTimers();
    seq = 0;
    client = createWorkerClient();
    client.connectionOpened(() => undefined);
  });
  afterEach(() => vi.useRealTimers());

  it('show as toasts; a failed import with its traceback and a way to open the file; errors expire too', () => {
    const openFile = vi.fn();
    act(() =>
      mount.root.render(
        <ToastProvider>
          <Harness client={client} openFile={openFile} />
        </ToastProvider>,
      ),
    );
    act(() => send(client, 'module_loaded', { kind: 'loaded', module: 'mynodes', origin: 'file', path: '/w/modules/mynodes.py', node_ids: ['a', 'b'] }));
    expect(toasts()[0]?.dataset.kind).toBe('success');
    expect(toasts()[0]?.textContent).toContain('Module mynodes.py loaded: 2 nodes');

    act(() =>
      send(client, 'module_failed', {
        kind: 'failed',
        module: 'mynodes',
        origin: 'file',
        path: '/w/modules/mynodes.py',
        node_ids: [],
        message: 'SyntaxError: invalid syntax',
        traceback: 'Traceback (most recent call last): …',
        line: 3,
      }),
    );
    const error = toasts().find((t) => t.dataset.kind === 'error');
    expect(error?.textContent).toContain('failed to load: SyntaxError: invalid syntax (line 3)');
    expect(error?.querySelector('[data-testid="toast-details"]')?.textContent).toContain('Traceback (most recent call last)');
    act(() => error?.querySelector<HTMLButtonElement>('[data-testid="toast-action"]')?.click());
    expect(openFile).toHaveBeenCalledWith('mynodes.py', 3);

    act(() => send(client, 'module_failed', { kind: 'failed', module: 'm', origin: 'file', path: '/w/modules/m.py', node_ids: [], message: 'x' }));
    expect(toasts().some((t) => t.dataset.kind === 'error')).toBe(true);
    act(() => vi.advanceTimersByTime(LIFETIME_MS.error + 10));
    expect(toasts()).toHaveLength(0);
  });

  it('a toast under the pointer waits; it goes once the pointer leaves', () => {
    act(() =>
      mount.root.render(
        <ToastProvider>
          <Harness client={client} />
        </ToastProvider>,
      ),
    );
    act(() => send(client, 'module_removed', { kind: 'removed', module: 'm', origin: 'file', path: '/w/modules/m.py', node_ids: [] }));
    const t = toasts()[0];
    act(() => t?.dispatchEvent(new MouseEvent('mouseover', { bubbles: true })));
    act(() => vi.advanceTimersByTime(LIFETIME_MS.error * 2));
    expect(toasts()).toHaveLength(1);
    act(() => t?.dispatchEvent(new MouseEvent('mouseout', { bubbles: true })));
    act(() => vi.advanceTimersByTime(LIFETIME_MS.info + 10));
    expect(toasts()).toHaveLength(0);
  });
});
