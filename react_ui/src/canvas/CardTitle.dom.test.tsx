// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { mountPoint } from '../testing/mount';
import { CardTitle } from './CardTitle';

const mount = mountPoint();

function setup() {
  const call = vi.fn(() => Promise.resolve(null));
  const worker = { client: { call } } as never;
  act(() => mount.root.render(<CardTitle uuid="n1" name="Add" worker={worker} />));
  const title = () => mount.host.querySelector('[data-testid="node-title"]') as HTMLElement | null;
  const input = () => mount.host.querySelector('[data-testid="node-title-input"]') as HTMLInputElement | null;
  const type = (text: string) => {
    const el = input();
    if (!el) throw new Error('no input');
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(el, text);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const key = (k: string) => input()?.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
  return { call, title, input, type, key };
}

describe('CardTitle', () => {
  it('double-click renames; Enter saves the name', () => {
    const t = setup();
    act(() => void t.title()?.dispatchEvent(new MouseEvent('dblclick', { bubbles: true })));
    expect(t.input()?.value).toBe('Add');
    act(() => t.type('  Sum  '));
    act(() => void t.key('Enter'));
    expect(t.call).toHaveBeenCalledWith('update_node', { uuid: 'n1', properties: { name: 'Sum' }, merge: true });
    expect(t.input()).toBeNull();
  });

  it('Escape cancels', () => {
    const t = setup();
    act(() => void t.title()?.dispatchEvent(new MouseEvent('dblclick', { bubbles: true })));
    act(() => t.type('Other'));
    act(() => void t.key('Escape'));
    expect(t.call).not.toHaveBeenCalled();
    expect(t.title()?.textContent).toBe('Add');
  });
});
