// @vitest-environment happy-dom
import { act, useRef } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mountPoint } from '../testing/mount';
import { useCanvasKeys, type CanvasKeyHandlers } from './useCanvasKeys';

const mount = mountPoint();

let handlers: { [K in keyof CanvasKeyHandlers]: ReturnType<typeof vi.fn> };

function Harness() {
  const wrapper = useRef<HTMLDivElement>(null);
  useCanvasKeys(wrapper, handlers as unknown as CanvasKeyHandlers);
  return (
    <div>
      <div ref={wrapper} data-testid="canvas">
        <div data-testid="card" tabIndex={0} />
        <input data-testid="card-field" defaultValue="3" />
      </div>
      <input data-testid="search" type="search" />
      <button type="button" data-testid="elsewhere">
        x
      </button>
      <aside data-own-undo="">
        <button type="button" data-testid="in-editor-panel">
          save
        </button>
      </aside>
      <div role="dialog">
        <button type="button" data-testid="in-dialog">
          ok
        </button>
      </div>
    </div>
  );
}

function press(target: Element, key: string, mods: KeyboardEventInit = {}): KeyboardEvent {
  const e = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...mods });
  target.dispatchEvent(e);
  return e;
}

const $ = (id: string) => mount.host.querySelector(`[data-testid="${id}"]`) as HTMLElement;

describe('canvas keyboard', () => {
  beforeEach(() => {
    handlers = {
      undo: vi.fn(),
      redo: vi.fn(),
      selectAll: vi.fn(),
      deleteSelection: vi.fn(() => true),
      escape: vi.fn(() => false),
      copy: vi.fn(() => true),
      cut: vi.fn(() => true),
      duplicate: vi.fn(() => false),
      paste: vi.fn(),
      makeComposite: vi.fn(() => true),
    };
    act(() => mount.root.render(<Harness />));
  });

  it('Ctrl+Z on the canvas undoes through the worker and stops the browser’s own undo', () => {
    const e = press($('card'), 'z', { ctrlKey: true });
    expect(handlers.undo).toHaveBeenCalledOnce();
    expect(e.defaultPrevented).toBe(true);
    const onBody = press(document.body, 'z', { metaKey: true });
    expect(handlers.undo).toHaveBeenCalledTimes(2);
    expect(onBody.defaultPrevented).toBe(true);
  });

  it('Ctrl+Shift+Z and Ctrl+Y redo', () => {
    press($('card'), 'Z', { ctrlKey: true, shiftKey: true });
    press(document.body, 'y', { ctrlKey: true });
    expect(handlers.redo).toHaveBeenCalledTimes(2);
    expect(handlers.undo).not.toHaveBeenCalled();
  });

  it('a focused field keeps its native undo and select-all', () => {
    for (const field of [$('card-field'), $('search')]) {
      const z = press(field, 'z', { ctrlKey: true });
      const a = press(field, 'a', { ctrlKey: true });
      expect(z.defaultPrevented).toBe(false);
      expect(a.defaultPrevented).toBe(false);
    }
    expect(handlers.undo).not.toHaveBeenCalled();
    expect(handlers.selectAll).not.toHaveBeenCalled();
  });

  it('outside the canvas Ctrl+Z still never reaches the browser; a dialog takes no graph undo', () => {
    const out = press($('elsewhere'), 'z', { ctrlKey: true });
    expect(out.defaultPrevented).toBe(true);
    expect(handlers.undo).toHaveBeenCalledOnce();
    const dlg = press($('in-dialog'), 'z', { ctrlKey: true });
    expect(dlg.defaultPrevented).toBe(true);
    expect(handlers.undo).toHaveBeenCalledOnce();
    // the module editor's panel: its code has its own undo, the graph's is not taken there
    const panel = press($('in-editor-panel'), 'z', { ctrlKey: true });
    expect(panel.defaultPrevented).toBe(true);
    expect(handlers.undo).toHaveBeenCalledOnce();
  });

  it('Ctrl+A selects every node on the canvas, not the page’s text; elsewhere it is left alone', () => {
    const e = press($('card'), 'a', { ctrlKey: true });
    expect(handlers.selectAll).toHaveBeenCalledOnce();
    expect(e.defaultPrevented).toBe(true);
    const out = press($('elsewhere'), 'a', { ctrlKey: true });
    expect(out.defaultPrevented).toBe(false);
    expect(handlers.selectAll).toHaveBeenCalledOnce();
  });

  it('Delete removes the selection on the canvas only', () => {
    expect(press($('card'), 'Delete').defaultPrevented).toBe(true);
    press($('card-field'), 'Backspace');
    press($('elsewhere'), 'Delete');
    expect(handlers.deleteSelection).toHaveBeenCalledOnce();
  });

  it('Ctrl+C / X / V / D copy, cut, paste and duplicate on the canvas; a field keeps its own', () => {
    expect(press($('card'), 'c', { ctrlKey: true }).defaultPrevented).toBe(true);
    expect(press($('card'), 'x', { ctrlKey: true }).defaultPrevented).toBe(true);
    expect(press(document.body, 'v', { ctrlKey: true }).defaultPrevented).toBe(true);
    // nothing to duplicate: still never the browser's bookmark dialog
    expect(press($('card'), 'd', { ctrlKey: true }).defaultPrevented).toBe(true);
    expect([handlers.copy, handlers.cut, handlers.paste, handlers.duplicate].map((f) => f?.mock.calls.length)).toEqual([1, 1, 1, 1]);
    expect(press($('card-field'), 'c', { ctrlKey: true }).defaultPrevented).toBe(false);
    expect(press($('card-field'), 'v', { ctrlKey: true }).defaultPrevented).toBe(false);
    expect(press($('elsewhere'), 'v', { ctrlKey: true }).defaultPrevented).toBe(false);
    expect(handlers.copy).toHaveBeenCalledOnce();
    expect(handlers.paste).toHaveBeenCalledOnce();
  });

  it('Ctrl+G makes a composite of the selection on the canvas (never the browser’s find)', () => {
    expect(press($('card'), 'g', { ctrlKey: true }).defaultPrevented).toBe(true);
    expect(handlers.makeComposite).toHaveBeenCalledOnce();
    expect(press($('card-field'), 'g', { ctrlKey: true }).defaultPrevented).toBe(false);
    expect(press($('elsewhere'), 'g', { ctrlKey: true }).defaultPrevented).toBe(false);
    expect(handlers.makeComposite).toHaveBeenCalledOnce();
  });

  it('a covered canvas (a composite open over it) takes no keys', () => {
    (handlers as Record<string, unknown>).disabled = true;
    act(() => mount.root.render(<Harness />));
    expect(press($('card'), 'z', { ctrlKey: true }).defaultPrevented).toBe(false);
    expect(press($('card'), 'Delete').defaultPrevented).toBe(false);
    expect(press($('card'), 'g', { ctrlKey: true }).defaultPrevented).toBe(false);
    expect(handlers.undo).not.toHaveBeenCalled();
    expect(handlers.deleteSelection).not.toHaveBeenCalled();
  });
});
