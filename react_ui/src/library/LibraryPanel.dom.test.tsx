// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { LibraryResult } from '../protocol/generated';
import { isTypingTarget } from './keys';
import { LibraryPanel, NODE_DRAG_TYPE } from './LibraryPanel';
import { mountPoint } from '../testing/mount';

const spec = (id: string, name: string, description = '') => ({
  id,
  name,
  description,
  inputs: [],
  outputs: [],
  executor: 'inline',
  module: 'm',
});

const LIBRARY: LibraryResult = {
  shelves: [
    {
      name: 'numbers',
      description: 'Numbers',
      nodes: [spec('numbers.number', 'Number', 'A number.'), spec('numbers.add', 'Add', 'Add two numbers.')],
      subshelves: [{ name: 'random', description: '', nodes: [spec('numbers.random', 'Random')], subshelves: [] }],
    },
    { name: 'text', description: 'Text', nodes: [spec('text.join', 'Join', 'Join strings.')], subshelves: [] },
  ],
};

const mount = mountPoint();

function render(library: LibraryResult | null, onAdd = vi.fn()) {
  act(() => mount.root.render(<LibraryPanel library={library} onAdd={onAdd} />));
  return onAdd;
}

const q = (sel: string) => mount.host.querySelector<HTMLElement>(sel);
const all = (sel: string) => Array.from(mount.host.querySelectorAll<HTMLElement>(sel));
const nodeIds = () => all('[data-testid="library-node"]').map((n) => n.dataset.nodeId);
const search = () => q('[data-testid="library-search"]') as HTMLInputElement;

function type(input: HTMLInputElement, value: string) {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  act(() => {
    setter?.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

function key(el: Element, k: string) {
  act(() => {
    el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
  });
}

describe('LibraryPanel', () => {
  it('says when the library is loading or empty', () => {
    render(null);
    expect(q('[data-testid="library-panel"]')?.textContent).toContain('Loading library…');
    render({ shelves: [] });
    expect(q('[data-testid="library-panel"]')?.textContent).toContain('No nodes');
  });

  it('shows top-level shelves open and sub-shelves closed', () => {
    render(LIBRARY);
    expect(all('[data-testid="library-shelf"]').map((s) => s.dataset.shelf)).toEqual(['numbers', 'random', 'text']);
    expect(nodeIds()).toEqual(['numbers.number', 'numbers.add', 'text.join']);
    const numbersHead = q('[data-shelf="numbers"] > button') as HTMLButtonElement;
    expect(numbersHead.textContent).toBe('numbers3');
    act(() => numbersHead.click());
    expect(nodeIds()).toEqual(['text.join']);
    expect(numbersHead.getAttribute('aria-expanded')).toBe('false');
  });

  it('filters by name, id and description and opens every shelf with a match', () => {
    const onAdd = render(LIBRARY);
    type(search(), 'RAND');
    expect(all('[data-testid="library-shelf"]').map((s) => s.dataset.shelf)).toEqual(['numbers', 'random']);
    expect(nodeIds()).toEqual(['numbers.random']);
    type(search(), 'two numbers');
    expect(nodeIds()).toEqual(['numbers.add']);
    type(search(), 'text.');
    expect(nodeIds()).toEqual(['text.join']);
    type(search(), 'zzz');
    expect(nodeIds()).toEqual([]);
    expect(q('[data-testid="library-no-match"]')).not.toBeNull();
    // Enter adds the first match; Escape clears.
    type(search(), 'number');
    key(search(), 'Enter');
    expect(onAdd).toHaveBeenCalledWith('numbers.number');
    key(search(), 'Escape');
    expect(search().value).toBe('');
    expect(nodeIds()).toEqual(['numbers.number', 'numbers.add', 'text.join']);
  });

  it('adds a node by double-click or Enter', () => {
    const onAdd = render(LIBRARY);
    const add = q('[data-node-id="numbers.add"]') as HTMLElement;
    expect(add.tabIndex).toBe(0);
    expect(add.getAttribute('draggable')).toBe('true');
    act(() => {
      add.dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
    });
    expect(onAdd).toHaveBeenLastCalledWith('numbers.add');
    key(q('[data-node-id="text.join"]') as HTMLElement, 'Enter');
    expect(onAdd).toHaveBeenLastCalledWith('text.join');
    expect(onAdd).toHaveBeenCalledTimes(2);
  });

  it('puts the node id on a drag', () => {
    render(LIBRARY);
    const data = new Map<string, string>();
    const transfer = { setData: (t: string, v: string) => data.set(t, v), effectAllowed: 'all' };
    const event = new Event('dragstart', { bubbles: true });
    Object.defineProperty(event, 'dataTransfer', { value: transfer });
    act(() => {
      q('[data-node-id="numbers.add"]')?.dispatchEvent(event);
    });
    expect(data.get(NODE_DRAG_TYPE)).toBe('numbers.add');
    expect(data.get('text/plain')).toBe('numbers.add');
    expect(transfer.effectAllowed).toBe('copy');
  });

  it('focuses the search on "/" unless the user is typing', () => {
    render(LIBRARY);
    const other = document.createElement('textarea');
    document.body.appendChild(other);
    other.focus();
    key(other, '/');
    expect(document.activeElement).toBe(other);
    other.blur();
    key(document.body, '/');
    expect(document.activeElement).toBe(search());
    other.remove();
  });

  it('moves through the tree with the arrow keys', () => {
    render(LIBRARY);
    key(search(), 'ArrowDown');
    const head = q('[data-shelf="numbers"] > button') as HTMLElement;
    expect(document.activeElement).toBe(head);
    key(head, 'ArrowDown');
    expect(document.activeElement).toBe(q('[data-node-id="numbers.number"]'));
    key(document.activeElement as HTMLElement, 'ArrowLeft');
    expect(document.activeElement).toBe(head);
    key(head, 'ArrowLeft');
    expect(head.getAttribute('aria-expanded')).toBe('false');
    key(head, 'ArrowRight');
    expect(head.getAttribute('aria-expanded')).toBe('true');
    key(head, 'ArrowUp');
    expect(document.activeElement).toBe(search());
  });
});

describe('isTypingTarget', () => {
  it('knows text fields from other elements', () => {
    const input = document.createElement('input');
    expect(isTypingTarget(input)).toBe(true);
    input.type = 'checkbox';
    expect(isTypingTarget(input)).toBe(false);
    input.type = 'range';
    expect(isTypingTarget(input)).toBe(false);
    expect(isTypingTarget(document.createElement('textarea'))).toBe(true);
    expect(isTypingTarget(document.createElement('button'))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
    expect(isTypingTarget(window)).toBe(false);
  });
});

describe('modules that failed to load', () => {
  it('badge their shelf and are listed with a way to open the file', () => {
    const onOpen = vi.fn();
    const failed = [
      { module: 'numbers_extra', file: 'numbers_extra.py', message: 'SyntaxError: invalid syntax (line 3)', shelves: ['numbers'] },
      { module: 'fresh', file: 'fresh.py', message: 'NameError: x', shelves: [] },
    ];
    act(() => mount.root.render(<LibraryPanel library={LIBRARY} onAdd={vi.fn()} failed={failed} onOpenModule={onOpen} />));
    const numbers = q('[data-testid="library-shelf"][data-shelf="numbers"]');
    expect(numbers?.dataset.failed).toBe('true');
    expect(numbers?.querySelector('[data-testid="library-shelf-failed"]')?.getAttribute('title')).toContain('SyntaxError');
    expect(q('[data-testid="library-shelf"][data-shelf="text"] [data-testid="library-shelf-failed"]')).toBeNull();
    const listed = all('[data-testid="library-failed-module"]');
    expect(listed.map((l) => l.dataset.module)).toEqual(['numbers_extra', 'fresh']);
    expect(listed[1]?.textContent).toContain('fresh.py failed to load: NameError: x');
    act(() => listed[1]?.querySelector<HTMLButtonElement>('[data-testid="library-failed-open"]')?.click());
    expect(onOpen).toHaveBeenCalledWith('fresh.py');
  });
});

describe('while the worker is not running', () => {
  it('says why and adds nothing', () => {
    const onAdd = vi.fn();
    act(() => mount.root.render(<LibraryPanel library={LIBRARY} onAdd={onAdd} disabledReason="“Flow” is stopped: start it to add nodes." />));
    expect(q('[data-testid="library-panel"]')?.dataset.disabled).toBe('true');
    expect(q('[data-testid="library-disabled"]')?.textContent).toContain('start it to add nodes');
    const node = q('[data-testid="library-node"][data-node-id="numbers.add"]');
    act(() => node?.dispatchEvent(new MouseEvent('dblclick', { bubbles: true })));
    expect(onAdd).not.toHaveBeenCalled();
    act(() => mount.root.render(<LibraryPanel library={LIBRARY} onAdd={onAdd} disabledReason={null} />));
    expect(q('[data-testid="library-disabled"]')).toBeNull();
    act(() => q('[data-testid="library-node"][data-node-id="numbers.add"]')?.dispatchEvent(new MouseEvent('dblclick', { bubbles: true })));
    expect(onAdd).toHaveBeenCalledWith('numbers.add');
  });
});

describe('LibraryPanel: the workflow composites', () => {
  const withComposites: LibraryResult = {
    shelves: [
      ...LIBRARY.shelves,
      { name: 'composites', description: 'This workflow’s composite nodes', nodes: [{ ...spec('composite.twice', 'Add twice'), module: 'composites' }], subshelves: [] },
    ],
  };

  it('lists them first, under a title of their own, each with a delete button', () => {
    const onRemove = vi.fn();
    const onAdd = vi.fn();
    act(() => mount.root.render(<LibraryPanel library={withComposites} onAdd={onAdd} onRemoveComposite={onRemove} />));
    const shelves = all('[data-testid="library-shelf"]').map((s) => s.dataset.shelf);
    expect(shelves[0]).toBe('composites');
    expect(q('[data-shelf="composites"] .nw-lib-shelf-name')?.textContent).toBe('Composites (this workflow)');
    expect(nodeIds()[0]).toBe('composite.twice');
    const remove = all('[data-testid="library-remove-composite"]');
    expect(remove).toHaveLength(1);
    act(() => remove[0]!.click());
    expect(onRemove).toHaveBeenCalledWith('composite.twice');
    expect(onAdd).not.toHaveBeenCalled();
  });

  it('offers no delete while nodes cannot be changed', () => {
    act(() => mount.root.render(<LibraryPanel library={withComposites} onAdd={vi.fn()} onRemoveComposite={vi.fn()} disabledReason="stopped" />));
    expect(all('[data-testid="library-remove-composite"]')).toHaveLength(0);
  });
});
