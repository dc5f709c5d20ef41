// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { createWorkerClient, type WorkerClient } from '../protocol/client';
import { mountPoint } from '../testing/mount';
import type { HistoryApi } from './useHistory';
import { useHistory } from './useHistory';

const mount = mountPoint();

function connected(): { client: WorkerClient; sent: { id: number; cmd: string; kwargs: unknown }[] } {
  const client = createWorkerClient();
  const sent: { id: number; cmd: string; kwargs: unknown }[] = [];
  client.connectionOpened((text) => sent.push(JSON.parse(text) as { id: number; cmd: string; kwargs: unknown }));
  return { client, sent };
}

let api: HistoryApi;
function Harness({ client, state = 'open' }: { client: WorkerClient; state?: 'open' | 'waiting' }) {
  api = useHistory(client, state);
  return null;
}

const frame = (o: unknown) => JSON.stringify(o);

describe('useHistory', () => {
  it('asks the worker for its history, then follows history events', async () => {
    const { client, sent } = connected();
    act(() => mount.root.render(<Harness client={client} />));
    expect(sent.map((s) => s.cmd)).toEqual(['get_history']);
    await act(async () => {
      client.handleFrame(frame({ type: 'result', id: sent[0]?.id, result: { can_undo: true, can_redo: false, undo_label: 'Add node', redo_label: null } }));
    });
    expect(api.info).toMatchObject({ canUndo: true, undoLabel: 'Add node' });
    await act(async () => {
      client.handleFrame(frame({ type: 'event', event: 'history', seq: 1, data: { can_undo: false, can_redo: true, undo_label: null, redo_label: 'Add node' } }));
    });
    expect(api.info).toEqual({ canUndo: false, canRedo: true, undoLabel: null, redoLabel: 'Add node' });
  });

  it('undo and redo are worker commands', async () => {
    const { client, sent } = connected();
    act(() => mount.root.render(<Harness client={client} />));
    let done = false;
    act(() => {
      void api.undo().then(() => (done = true));
    });
    const cmd = sent.at(-1);
    expect(cmd?.cmd).toBe('undo');
    await act(async () => client.handleFrame(frame({ type: 'result', id: cmd?.id, result: { applied: true, label: 'Add node' } })));
    expect(done).toBe(true);
    act(() => void api.redo());
    expect(sent.at(-1)?.cmd).toBe('redo');
  });

  it('forgets the history while the worker is away, and asks again once it is back', async () => {
    const { client, sent } = connected();
    act(() => mount.root.render(<Harness client={client} />));
    await act(async () => client.handleFrame(frame({ type: 'result', id: sent[0]?.id, result: { can_undo: true, can_redo: false, undo_label: 'x', redo_label: null } })));
    expect(api.info.canUndo).toBe(true);
    act(() => mount.root.render(<Harness client={client} state="waiting" />));
    expect(api.info.canUndo).toBe(false);
    act(() => mount.root.render(<Harness client={client} state="open" />));
    expect(sent.filter((s) => s.cmd === 'get_history')).toHaveLength(2);
  });
});
