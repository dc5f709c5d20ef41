// The canvas's keyboard: Delete/Backspace, Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y, Ctrl+A, Ctrl+G and
// Escape, listened to on the document. A focused field keeps its own keys (its native undo included);
// everywhere else Ctrl+Z is the canvas's, so the browser's native undo never changes a field
// the user has left (that change would reach the worker).
import { useEffect, useRef, type RefObject } from 'react';
import { canvasShortcut, isDeleteKey, isEditableTarget, isOutsideGraphUndo } from './keys';

export interface CanvasKeyHandlers {
  undo(): void;
  redo(): void;
  selectAll(): void;
  /** Delete the selection; false when nothing was selected (the key is left alone). */
  deleteSelection(): boolean;
  /** Escape: close what is open; false when nothing was (the key is left alone). */
  escape(): boolean;
  /** Copy / cut / duplicate the selection; false when nothing was selected (the key is left alone). */
  copy?(): boolean;
  cut?(): boolean;
  duplicate?(): boolean;
  paste?(): void;
  /** Space / Tab over the empty canvas: the search palette at the cursor; false when not there. */
  openPalette?(): boolean;
  /** Ctrl+G: make a composite of the selection; false when nothing was selected. */
  makeComposite?(): boolean;
  /** The canvas is covered (a composite's inside is open over it): its keys do nothing. */
  disabled?: boolean;
}

/** The canvas itself has the focus (not a card or a control on it). */
function isPaneFocus(target: EventTarget | null): boolean {
  return target instanceof Element && (target.classList.contains('react-flow') || target.classList.contains('react-flow__pane') || target.classList.contains('nw-canvas'));
}

function hasTextSelection(): boolean {
  const sel = typeof window !== 'undefined' ? window.getSelection() : null;
  return Boolean(sel && !sel.isCollapsed && sel.toString().trim());
}

export function useCanvasKeys(wrapper: RefObject<HTMLElement | null>, handlers: CanvasKeyHandlers): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const h = latest.current;
      if (h.disabled) return;
      if (e.key === 'Escape') {
        if (h.escape()) e.preventDefault();
        return;
      }
      const target = e.target;
      // the canvas has the focus (a card, the pane) or nothing has (the page itself)
      const here = target === document.body || (target instanceof globalThis.Node && Boolean(wrapper.current?.contains(target)));
      const shortcut = canvasShortcut(e);
      if (shortcut === 'undo' || shortcut === 'redo') {
        e.preventDefault();
        if (isOutsideGraphUndo(target)) return; // a dialog, a menu, the module editor
        if (shortcut === 'undo') h.undo();
        else h.redo();
        return;
      }
      if (shortcut === 'selectAll') {
        if (!here) return;
        e.preventDefault(); // the nodes, not the page's text
        h.selectAll();
        return;
      }
      if (shortcut === 'makeComposite') {
        if (!here || !h.makeComposite) return;
        if (h.makeComposite()) e.preventDefault(); // never the browser's "find next"
        return;
      }
      if (shortcut === 'copy' || shortcut === 'cut' || shortcut === 'duplicate' || shortcut === 'paste') {
        if (!here) return;
        // text selected on the page (a preview, a log) is the browser's to copy
        if (shortcut !== 'paste' && shortcut !== 'duplicate' && hasTextSelection()) return;
        if (shortcut === 'paste') {
          if (!h.paste) return;
          e.preventDefault();
          h.paste();
          return;
        }
        const run = h[shortcut];
        if (shortcut === 'duplicate') e.preventDefault(); // never the browser's bookmark
        if (run && run()) e.preventDefault();
        return;
      }
      if (here && (e.key === ' ' || e.key === 'Tab') && !e.ctrlKey && !e.metaKey && !e.altKey && !e.shiftKey) {
        if (isEditableTarget(target) || !h.openPalette) return;
        if (target !== document.body && !isPaneFocus(target)) return; // Tab still walks the cards
        if (h.openPalette()) e.preventDefault();
        return;
      }
      if (here && isDeleteKey(e) && h.deleteSelection()) e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [wrapper]);
}
