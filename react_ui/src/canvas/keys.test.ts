import { describe, expect, it } from 'vitest';
import { canvasShortcut, isDeleteKey, isEditableTarget, isWidgetTarget, type TargetLike } from './keys';

function el(tagName: string, extra: Partial<TargetLike> = {}, inside: string[] = []): TargetLike {
  return {
    tagName,
    ...extra,
    closest: (selector: string) => (selector.split(',').some((s) => inside.includes(s.trim())) ? {} : null),
  };
}

describe('isEditableTarget', () => {
  it('is true for text fields, textareas, selects and contenteditable', () => {
    expect(isEditableTarget(el('input'))).toBe(true);
    expect(isEditableTarget(el('INPUT', { type: 'number' }))).toBe(true);
    expect(isEditableTarget(el('input', { type: 'range' }))).toBe(true);
    expect(isEditableTarget(el('textarea'))).toBe(true);
    expect(isEditableTarget(el('select'))).toBe(true);
    expect(isEditableTarget(el('div', { isContentEditable: true }))).toBe(true);
  });

  it('is false for checkboxes, buttons, the canvas and nothing', () => {
    expect(isEditableTarget(el('input', { type: 'checkbox' }))).toBe(false);
    expect(isEditableTarget(el('button'))).toBe(false);
    expect(isEditableTarget(el('div'))).toBe(false);
    expect(isEditableTarget(null)).toBe(false);
  });

  it('respects .nokey', () => {
    expect(isEditableTarget(el('div', {}, ['.nokey']))).toBe(true);
  });
});

describe('isDeleteKey', () => {
  const pane = el('div');
  it('takes Delete and Backspace on the canvas', () => {
    expect(isDeleteKey({ key: 'Delete', target: pane })).toBe(true);
    expect(isDeleteKey({ key: 'Backspace', target: pane })).toBe(true);
  });

  it('ignores other keys, modifiers and handled events', () => {
    expect(isDeleteKey({ key: 'd', target: pane })).toBe(false);
    expect(isDeleteKey({ key: 'Backspace', metaKey: true, target: pane })).toBe(false);
    expect(isDeleteKey({ key: 'Delete', ctrlKey: true, target: pane })).toBe(false);
    expect(isDeleteKey({ key: 'Delete', altKey: true, target: pane })).toBe(false);
    expect(isDeleteKey({ key: 'Delete', defaultPrevented: true, target: pane })).toBe(false);
  });

  it('never deletes while the user types', () => {
    expect(isDeleteKey({ key: 'Backspace', target: el('input', { type: 'text' }) })).toBe(false);
    expect(isDeleteKey({ key: 'Delete', target: el('textarea') })).toBe(false);
  });
});

describe('isWidgetTarget', () => {
  it('is true inside a widget, a button or the traceback', () => {
    expect(isWidgetTarget(el('span', {}, ['.nodrag']))).toBe(true);
    expect(isWidgetTarget(el('input', {}, ['input']))).toBe(true);
    expect(isWidgetTarget(el('span', {}, ['summary']))).toBe(true);
  });

  it('is false on the card itself', () => {
    expect(isWidgetTarget(el('div'))).toBe(false);
    expect(isWidgetTarget(undefined)).toBe(false);
  });
});

describe('canvasShortcut', () => {
  const pane = el('div');
  it('maps Ctrl/⌘+Z, Ctrl+Shift+Z, Ctrl+Y and Ctrl+A on the canvas', () => {
    expect(canvasShortcut({ key: 'z', ctrlKey: true, target: pane })).toBe('undo');
    expect(canvasShortcut({ key: 'z', metaKey: true, target: pane })).toBe('undo');
    expect(canvasShortcut({ key: 'Z', ctrlKey: true, shiftKey: true, target: pane })).toBe('redo');
    expect(canvasShortcut({ key: 'y', ctrlKey: true, target: pane })).toBe('redo');
    expect(canvasShortcut({ key: 'a', ctrlKey: true, target: pane })).toBe('selectAll');
    expect(canvasShortcut({ key: 'c', ctrlKey: true, target: pane })).toBe('copy');
    expect(canvasShortcut({ key: 'x', metaKey: true, target: pane })).toBe('cut');
    expect(canvasShortcut({ key: 'v', ctrlKey: true, target: pane })).toBe('paste');
    expect(canvasShortcut({ key: 'd', ctrlKey: true, target: pane })).toBe('duplicate');
    expect(canvasShortcut({ key: 'g', ctrlKey: true, target: pane })).toBe('makeComposite');
    expect(canvasShortcut({ key: 'G', ctrlKey: true, shiftKey: true, target: pane })).toBeNull();
    // a non-latin layout: the physical key decides
    expect(canvasShortcut({ key: 'я', code: 'KeyZ', ctrlKey: true, target: pane })).toBe('undo');
  });

  it('leaves fields their own undo and select-all', () => {
    for (const field of [el('input'), el('textarea'), el('div', { isContentEditable: true }), el('input', { type: 'search' })]) {
      expect(canvasShortcut({ key: 'z', ctrlKey: true, target: field })).toBeNull();
      expect(canvasShortcut({ key: 'a', ctrlKey: true, target: field })).toBeNull();
    }
  });

  it('ignores plain letters, Alt combinations and handled keys', () => {
    expect(canvasShortcut({ key: 'z', target: pane })).toBeNull();
    expect(canvasShortcut({ key: 'z', ctrlKey: true, altKey: true, target: pane })).toBeNull();
    expect(canvasShortcut({ key: 'z', ctrlKey: true, defaultPrevented: true, target: pane })).toBeNull();
    expect(canvasShortcut({ key: 'q', ctrlKey: true, target: pane })).toBeNull();
    expect(canvasShortcut({ key: 'c', ctrlKey: true, shiftKey: true, target: pane })).toBeNull();
  });
});
