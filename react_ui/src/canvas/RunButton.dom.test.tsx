// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { WorkerConn } from '../hooks/useWorker';
import { mountPoint } from '../testing/mount';
import { CardWorkerContext } from './context';
import { RunButton, runAction } from './RunButton';

const mount = mountPoint();

function render(status: 'done' | 'running' | 'error', call: ReturnType<typeof vi.fn>) {
  const worker = { client: { call } } as unknown as WorkerConn;
  act(() =>
    mount.root.render(
      <CardWorkerContext.Provider value={worker}>
        <RunButton uuid="n1" status={status} />
      </CardWorkerContext.Provider>,
    ),
  );
  return mount.host.querySelector<HTMLButtonElement>('button');
}

describe('RunButton', () => {
  it('runs a node again, and cancels one that runs', () => {
    const call = vi.fn(() => Promise.resolve(null));
    const again = render('done', call);
    expect(again?.dataset.testid).toBe('node-trigger');
    expect(again?.title).toBe('Run again');
    act(() => again?.click());
    expect(call).toHaveBeenLastCalledWith('trigger', { uuid: 'n1' });
    const cancel = render('running', call);
    expect(cancel?.dataset.testid).toBe('node-cancel');
    act(() => cancel?.click());
    expect(call).toHaveBeenLastCalledWith('cancel', { uuid: 'n1' });
    expect(runAction('error')).toBe('trigger');
  });
});
