// Keyboard guards of the canvas: Delete/Backspace remove the selection, but never while the
// user types in a field (a node's widget, the inspector, a search box).

/** The parts of a DOM element the guards look at (plain objects in tests). */
export interface TargetLike {
  tagName?: string;
  type?: string;
  isContentEditable?: boolean;
  closest?(selector: string): unknown;
}

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  defaultPrevented?: boolean;
  target: unknown;
}

/** Input types that take no typing: keys on them are free for the canvas. */
const NON_TEXT_INPUTS = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'color', 'file', 'image']);

/** The element takes text (or keys of its own): canvas shortcuts must leave it alone. */
export function isEditableTarget(target: unknown): boolean {
  if (typeof target !== 'object' || target === null) return false;
  const t = target as TargetLike;
  if (t.isContentEditable) return true;
  const tag = (t.tagName ?? '').toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !NON_TEXT_INPUTS.has((t.type ?? 'text').toLowerCase());
  // `.nokey` marks anything else that handles keys itself
  return typeof t.closest === 'function' && Boolean(t.closest('.nokey'));
}

/** Delete/Backspace without modifiers, not in a field: remove the canvas selection. */
export function isDeleteKey(e: KeyLike): boolean {
  if (e.defaultPrevented) return false;
  if (e.key !== 'Delete' && e.key !== 'Backspace') return false;
  if (e.ctrlKey || e.metaKey || e.altKey) return false;
  return !isEditableTarget(e.target);
}

/** Focusable elements inside dialogs and menus: keys there belong to them. */
export function isInsideMenu(target: unknown): boolean {
  if (typeof target !== 'object' || target === null) return false;
  const t = target as TargetLike;
  return typeof t.closest === 'function' && Boolean(t.closest('[role="menu"], [role="dialog"]'));
}

/** Marks a panel whose Ctrl+Z is not the graph's (the module editor: its text has its own). */
export const OWN_UNDO_ATTR = 'data-own-undo';

/** Keys here do not undo the graph: a dialog, a menu, or a panel with an undo of its own. */
export function isOutsideGraphUndo(target: unknown): boolean {
  if (isInsideMenu(target)) return true;
  const t = target as TargetLike | null;
  return typeof t?.closest === 'function' && Boolean(t.closest(`[${OWN_UNDO_ATTR}]`));
}

/** A click inside a card's widget, traceback or other control: it is not a click on the node. */
export function isWidgetTarget(target: unknown): boolean {
  if (typeof target !== 'object' || target === null) return false;
  const t = target as TargetLike;
  return (
    typeof t.closest === 'function' &&
    Boolean(t.closest('.nodrag, input, select, textarea, button, a, label, summary, [data-testid="input-widget"]'))
  );
}

/** What a Ctrl/⌘ shortcut of the canvas asks for. */
export type CanvasShortcut = 'undo' | 'redo' | 'selectAll' | 'copy' | 'cut' | 'paste' | 'duplicate' | 'makeComposite';

interface ShortcutKey extends KeyLike {
  shiftKey?: boolean;
  code?: string;
}

/**
 * Ctrl+Z (undo), Ctrl+Shift+Z / Ctrl+Y (redo), Ctrl+A (select all), Ctrl+C / X / V / D (copy,
 * cut, paste, duplicate), Ctrl+G (make a composite of the selection), ⌘ on a Mac; null for
 * any other key, and for every key typed into a field: a focused field keeps its own undo and
 * select-all.
 */
export function canvasShortcut(e: ShortcutKey): CanvasShortcut | null {
  if (e.defaultPrevented || e.altKey) return null;
  if (!(e.ctrlKey || e.metaKey)) return null;
  if (isEditableTarget(e.target)) return null;
  const key = e.key.toLowerCase();
  // e.code keeps the shortcuts on keyboard layouts whose letters are not latin
  const is = (letter: string) => key === letter || e.code === `Key${letter.toUpperCase()}`;
  if (is('z')) return e.shiftKey ? 'redo' : 'undo';
  if (is('y') && !e.shiftKey) return 'redo';
  if (e.shiftKey) return null;
  if (is('a')) return 'selectAll';
  if (is('c')) return 'copy';
  if (is('x')) return 'cut';
  if (is('v')) return 'paste';
  if (is('d')) return 'duplicate';
  if (is('g')) return 'makeComposite';
  return null;
}
