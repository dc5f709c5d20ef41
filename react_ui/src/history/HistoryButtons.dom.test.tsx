// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { mountPoint } from '../testing/mount';
import { NO_HISTORY } from './history';
import { HistoryButtons } from './HistoryButtons';

const mount = mountPoint();
const $ = (id: string) => mount.host.querySelector(`[data-testid="${id}"]`) as HTMLButtonElement;

describe('HistoryButtons', () => {
  it('are disabled with nothing to undo or redo', () => {
    act(() => mount.root.render(<HistoryButtons info={NO_HISTORY} onUndo={vi.fn()} onRedo={vi.fn()} />));
    expect($('history-undo').disabled).toBe(true);
    expect($('history-redo').disabled).toBe(true);
    expect($('history-undo').title).toMatch(/^Nothing to undo/);
  });

  it('name the step in their tooltip and run it on click', () => {
    const onUndo = vi.fn();
    const onRedo = vi.fn();
    const info = { canUndo: true, canRedo: false, undoLabel: 'Delete 2 nodes', redoLabel: null };
    act(() => mount.root.render(<HistoryButtons info={info} onUndo={onUndo} onRedo={onRedo} />));
    expect($('history-undo').disabled).toBe(false);
    expect($('history-undo').title).toMatch(/^Undo: Delete 2 nodes \((Ctrl|⌘)\+Z\)$/);
    act(() => $('history-undo').click());
    expect(onUndo).toHaveBeenCalledOnce();
    expect($('history-redo').disabled).toBe(true);
  });
});
