// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { RpcError } from '../protocol/client';
import { ToastProvider } from '../ui/toast';
import { mountPoint } from '../testing/mount';
import { SafeStartBanner } from './SafeStartBanner';

const mount = mountPoint();

function render(onRun: () => Promise<void>) {
  act(() =>
    mount.root.render(
      <ToastProvider>
        <SafeStartBanner onRun={onRun} />
      </ToastProvider>,
    ),
  );
  return mount.host.querySelector<HTMLButtonElement>('[data-testid="safe-start-run"]');
}

describe('SafeStartBanner', () => {
  it('says what safe start is and runs the graph once per click', async () => {
    let finish: () => void = () => undefined;
    const onRun = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const button = render(onRun);
    expect(mount.host.querySelector('[data-testid="safe-start-banner"]')?.textContent).toContain(
      'Safe start — the graph is loaded and nothing has run. Remove or fix the node that hangs, then run the graph.',
    );
    expect(button?.textContent).toBe('Run the graph');
    act(() => button?.click());
    expect(onRun).toHaveBeenCalledTimes(1);
    expect(button?.disabled).toBe(true);
    await act(async () => finish());
    expect(button?.disabled).toBe(false);
  });

  it('shows a refused resume as an error toast', async () => {
    const button = render(() => Promise.reject(new RpcError('internal', 'the worker is shutting down')));
    await act(async () => button?.click());
    const toast = mount.host.querySelector<HTMLElement>('[data-testid="toast"]');
    expect(toast?.dataset.kind).toBe('error');
    expect(toast?.textContent).toContain('the worker is shutting down');
    expect(mount.host.querySelector<HTMLButtonElement>('[data-testid="safe-start-run"]')?.disabled).toBe(false);
  });
});
