import { describe, expect, it } from 'vitest';
import { historyTitle, modKey, NO_HISTORY, parseHistory, sameHistory } from './history';

describe('parseHistory', () => {
  it('reads the worker history', () => {
    expect(parseHistory({ can_undo: true, can_redo: false, undo_label: 'Delete node', redo_label: null })).toEqual({
      canUndo: true,
      canRedo: false,
      undoLabel: 'Delete node',
      redoLabel: null,
    });
  });

  it('takes anything malformed as an empty history', () => {
    expect(parseHistory(null)).toEqual(NO_HISTORY);
    expect(parseHistory({ can_undo: 'yes', undo_label: 3 })).toEqual(NO_HISTORY);
    expect(parseHistory({ can_undo: true, undo_label: '  ' }).undoLabel).toBeNull();
  });

  it('compares field by field', () => {
    expect(sameHistory(NO_HISTORY, { ...NO_HISTORY })).toBe(true);
    expect(sameHistory(NO_HISTORY, { ...NO_HISTORY, canRedo: true })).toBe(false);
  });
});

describe('historyTitle', () => {
  it('names the step undo or redo would take', () => {
    const info = { canUndo: true, canRedo: true, undoLabel: 'Move 3 nodes', redoLabel: 'Set b' };
    expect(historyTitle('undo', info, 'Ctrl')).toBe('Undo: Move 3 nodes (Ctrl+Z)');
    expect(historyTitle('redo', info, '⌘')).toBe('Redo: Set b (⌘+Shift+Z)');
    expect(historyTitle('undo', NO_HISTORY, 'Ctrl')).toBe('Nothing to undo (Ctrl+Z)');
    expect(historyTitle('redo', NO_HISTORY, 'Ctrl')).toBe('Nothing to redo (Ctrl+Shift+Z)');
  });

  it('uses ⌘ on a Mac', () => {
    expect(modKey('MacIntel')).toBe('⌘');
    expect(modKey('Linux x86_64')).toBe('Ctrl');
  });
});
