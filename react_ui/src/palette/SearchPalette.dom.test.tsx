// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { parseShelves } from '../library/tree';
import { mountPoint } from '../testing/mount';
import { SearchPalette } from './SearchPalette';

const mount = mountPoint();
const io = (name: string, type: string) => ({ name, type });
const shelves = parseShelves([
  {
    name: 'numbers',
    nodes: [
      { id: 'numbers.add', name: 'Add', inputs: [io('a', 'float')], outputs: [io('out', 'float')] },
      { id: 'text.upper', name: 'Upper', inputs: [io('text', 'str')], outputs: [io('out', 'str')] },
    ],
  },
]);

function type(input: HTMLInputElement, text: string) {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  setter?.call(input, text);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('SearchPalette', () => {
  it('searches, and Enter picks the highlighted node', () => {
    const onPick = vi.fn();
    act(() =>
      mount.root.render(<SearchPalette x={10} y={10} bounds={{ width: 800, height: 600 }} shelves={shelves} wire={null} onPick={onPick} onClose={() => {}} />),
    );
    const input = mount.host.querySelector('[data-testid="palette-search"]') as HTMLInputElement;
    expect(document.activeElement).toBe(input);
    expect(mount.host.querySelectorAll('[data-testid="palette-item"]')).toHaveLength(2);
    act(() => type(input, 'upp'));
    expect(mount.host.querySelectorAll('[data-testid="palette-item"]')).toHaveLength(1);
    act(() => void input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })));
    expect(onPick).toHaveBeenCalledWith(expect.objectContaining({ spec: expect.objectContaining({ id: 'text.upper' }) }));
  });

  it('with a wire lists only node types with a fitting port; Escape closes', () => {
    const onClose = vi.fn();
    const wire = { uuid: 'n', io: 'out', side: 'source' as const, type: 'str' };
    act(() =>
      mount.root.render(<SearchPalette x={10} y={10} bounds={{ width: 800, height: 600 }} shelves={shelves} wire={wire} onPick={() => {}} onClose={onClose} />),
    );
    const items = [...mount.host.querySelectorAll<HTMLElement>('[data-testid="palette-item"]')];
    expect(items.map((i) => i.dataset.nodeId)).toEqual(['text.upper']);
    const input = mount.host.querySelector('[data-testid="palette-search"]') as HTMLInputElement;
    act(() => void input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
    expect(onClose).toHaveBeenCalled();
  });
});
