// The worker's edit history as the UI shows it: what undo and redo would do next. The history
// lives in the worker (shared by every tab, kept across a reload); the page only mirrors the
// `history` event and the `get_history` reply.

export interface HistoryInfo {
  canUndo: boolean;
  canRedo: boolean;
  /** What undo would take back ("Delete node"), when known. */
  undoLabel: string | null;
  redoLabel: string | null;
}

export const NO_HISTORY: HistoryInfo = { canUndo: false, canRedo: false, undoLabel: null, redoLabel: null };

function label(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

/** A `history` event / `get_history` result as the UI uses it (anything malformed: nothing). */
export function parseHistory(raw: unknown): HistoryInfo {
  if (typeof raw !== 'object' || raw === null) return NO_HISTORY;
  const r = raw as Record<string, unknown>;
  return {
    canUndo: r.can_undo === true,
    canRedo: r.can_redo === true,
    undoLabel: label(r.undo_label),
    redoLabel: label(r.redo_label),
  };
}

export function sameHistory(a: HistoryInfo, b: HistoryInfo): boolean {
  return a.canUndo === b.canUndo && a.canRedo === b.canRedo && a.undoLabel === b.undoLabel && a.redoLabel === b.redoLabel;
}

/** A Mac shows ⌘ where other systems show Ctrl. */
export function modKey(platform: string = globalThis.navigator?.platform ?? ''): string {
  return /mac|iphone|ipad/i.test(platform) ? '⌘' : 'Ctrl';
}

/** The tooltip of the undo / redo button. */
export function historyTitle(action: 'undo' | 'redo', info: HistoryInfo, mod = modKey()): string {
  const keys = action === 'undo' ? `${mod}+Z` : `${mod}+Shift+Z`;
  if (action === 'undo') {
    if (!info.canUndo) return `Nothing to undo (${keys})`;
    return `Undo${info.undoLabel ? `: ${info.undoLabel}` : ''} (${keys})`;
  }
  if (!info.canRedo) return `Nothing to redo (${keys})`;
  return `Redo${info.redoLabel ? `: ${info.redoLabel}` : ''} (${keys})`;
}
