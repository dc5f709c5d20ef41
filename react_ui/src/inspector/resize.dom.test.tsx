// @vitest-environment happy-dom
import { act } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import { mountPoint } from '../testing/mount';
import { clampWidth, DEFAULT_WIDTH, MIN_WIDTH, storedWidth, useInspectorWidth, WIDTH_KEY } from './resize';

const mount = mountPoint();

function Panel() {
  const r = useInspectorWidth();
  return (
    <div>
      <div data-testid="edge" onPointerDown={r.onPointerDown} onKeyDown={r.onKeyDown} tabIndex={0} />
      <aside data-testid="panel" style={{ width: r.width }} />
    </div>
  );
}

describe('inspector width', () => {
  beforeEach(() => localStorage.clear());

  it('clamps and reads the remembered width', () => {
    expect(clampWidth(100, 1440)).toBe(MIN_WIDTH);
    expect(clampWidth(5000, 1440)).toBe(1440 - 360);
    expect(storedWidth({ getItem: () => 'nonsense' })).toBe(DEFAULT_WIDTH);
    expect(storedWidth({ getItem: () => '512' })).toBe(512);
  });

  it('follows a drag of its left edge and remembers the width', () => {
    window.innerWidth = 1440;
    act(() => mount.root.render(<Panel />));
    const edge = mount.host.querySelector<HTMLElement>('[data-testid="edge"]')!;
    const panel = () => mount.host.querySelector<HTMLElement>('[data-testid="panel"]')!.style.width;
    expect(panel()).toBe(`${DEFAULT_WIDTH}px`);
    act(() => edge.dispatchEvent(new PointerEvent('pointerdown', { clientX: 1000, button: 0, bubbles: true })));
    act(() => window.dispatchEvent(new PointerEvent('pointermove', { clientX: 900 })));
    expect(panel()).toBe(`${DEFAULT_WIDTH + 100}px`);
    act(() => window.dispatchEvent(new PointerEvent('pointerup', { clientX: 900 })));
    expect(localStorage.getItem(WIDTH_KEY)).toBe(String(DEFAULT_WIDTH + 100));
    act(() => edge.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true })));
    expect(panel()).toBe(`${DEFAULT_WIDTH + 120}px`);
  });
});
