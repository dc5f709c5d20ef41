import { describe, expect, it } from 'vitest';
import { isDeleteKey, isEditableTarget, isWidgetTarget, type TargetLike } from './keys';

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
