// @vitest-environment happy-dom
import { act } from 'react';
import { ReactFlow, ReactFlowProvider } from '@xyflow/react';
import { describe, expect, it, vi } from 'vitest';
import { mountPoint } from '../testing/mount';
import { AnnotationLayer, type AnnotationHandlers } from './AnnotationLayer';
import type { Annotation } from './model';

const mount = mountPoint();

const group: Annotation = { id: 'g', kind: 'group', title: 'Inputs', color: '#46b37b', x: 10, y: 20, width: 400, height: 200, nodes: ['a'] };
const note: Annotation = { id: 'n', kind: 'note', text: 'Hello **you**', x: 500, y: 0, width: 200, height: 100 };

function render(handlers: AnnotationHandlers) {
  act(() =>
    mount.root.render(
      <div style={{ width: 800, height: 600 }}>
        <ReactFlowProvider>
          <ReactFlow nodes={[]} edges={[]}>
            <AnnotationLayer annotations={[note, group]} handlers={handlers} />
          </ReactFlow>
        </ReactFlowProvider>
      </div>,
    ),
  );
}

function handlers() {
  return {
    preview: vi.fn<AnnotationHandlers['preview']>(),
    move: vi.fn<AnnotationHandlers['move']>(() => Promise.resolve()),
    update: vi.fn<AnnotationHandlers['update']>(() => Promise.resolve()),
    remove: vi.fn<AnnotationHandlers['remove']>(),
  };
}

describe('AnnotationLayer', () => {
  it('draws groups before notes, at their place and size, notes as markdown', () => {
    render(handlers());
    const shown = [...mount.host.querySelectorAll<HTMLElement>('.nw-annotation')];
    expect(shown.map((e) => e.dataset.id)).toEqual(['g', 'n']);
    expect(shown[0]?.style.transform).toBe('translate(10px, 20px)');
    expect(shown[0]?.style.width).toBe('400px');
    expect(shown[0]?.querySelector('[data-testid="annotation-title"]')?.textContent).toBe('Inputs');
    expect(shown[1]?.querySelector('strong')?.textContent).toBe('you');
  });

  it('dragging a title bar previews and then moves it by the pointer’s distance', () => {
    const h = handlers();
    render(h);
    const bar = mount.host.querySelector('[data-id="g"] [data-testid="annotation-bar"]') as HTMLElement;
    act(() => void bar.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, button: 0, clientX: 100, clientY: 100 })));
    act(() => void window.dispatchEvent(new PointerEvent('pointermove', { clientX: 150, clientY: 130 })));
    expect(h.preview).toHaveBeenLastCalledWith(group, { x: 50, y: 30 });
    act(() => void window.dispatchEvent(new PointerEvent('pointerup', { clientX: 150, clientY: 130 })));
    expect(h.move).toHaveBeenCalledWith(group, { x: 50, y: 30 });
  });

  it('× removes it; a double-click renames a group', () => {
    const h = handlers();
    render(h);
    act(() => (mount.host.querySelector('[data-id="n"] [data-testid="annotation-remove"]') as HTMLElement).click());
    expect(h.remove).toHaveBeenCalledWith(note);
    const title = mount.host.querySelector('[data-id="g"] [data-testid="annotation-title"]') as HTMLElement;
    act(() => void title.dispatchEvent(new MouseEvent('dblclick', { bubbles: true })));
    const input = mount.host.querySelector('[data-testid="annotation-title-input"]') as HTMLInputElement;
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input, 'Sources');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    act(() => void input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })));
    expect(h.update).toHaveBeenCalledWith(group, { title: 'Sources' }, 'Rename group');
  });

  it('a group’s swatch opens its colours; picking one saves it as one edit and the frame uses it', () => {
    const h = handlers();
    render(h);
    expect(mount.host.querySelector('[data-id="n"] [data-testid="annotation-color"]')).toBeNull();
    const frame = mount.host.querySelector<HTMLElement>('[data-id="g"]');
    expect(frame?.style.getPropertyValue('--nw-annotation-color')).toBe('#46b37b');
    const swatch = mount.host.querySelector('[data-id="g"] [data-testid="annotation-color"]') as HTMLButtonElement;
    expect(swatch.getAttribute('aria-label')).toBe('Group colour');
    act(() => swatch.click());
    const choices = [...mount.host.querySelectorAll<HTMLButtonElement>('[data-testid="annotation-swatch"]')];
    expect(choices.map((c) => c.getAttribute('aria-label'))).toEqual([
      'Default colour',
      'Colour #5b8def',
      'Colour #46b37b',
      'Colour #d9a13b',
      'Colour #c95fd1',
      'Colour #e0605e',
    ]);
    expect(choices.find((c) => c.getAttribute('aria-pressed') === 'true')?.dataset.color).toBe('#46b37b');
    act(() => mount.host.querySelector<HTMLButtonElement>('[aria-label="Colour #c95fd1"]')?.click());
    expect(h.update).toHaveBeenCalledWith(group, { color: '#c95fd1' }, 'Change group colour');
    expect(mount.host.querySelector('[data-testid="annotation-colors"]')).toBeNull();
    // the worker's echo: the frame takes the new colour
    act(() =>
      mount.root.render(
        <div style={{ width: 800, height: 600 }}>
          <ReactFlowProvider>
            <ReactFlow nodes={[]} edges={[]}>
              <AnnotationLayer annotations={[note, { ...group, color: '#c95fd1' }]} handlers={h} />
            </ReactFlow>
          </ReactFlowProvider>
        </div>,
      ),
    );
    expect(mount.host.querySelector<HTMLElement>('[data-id="g"]')?.style.getPropertyValue('--nw-annotation-color')).toBe('#c95fd1');
    // default: the theme's colour, no inline colour
    act(() => swatch.click());
    act(() => mount.host.querySelector<HTMLButtonElement>('[aria-label="Default colour"]')?.click());
    expect(h.update).toHaveBeenLastCalledWith({ ...group, color: '#c95fd1' }, { color: '' }, 'Change group colour');
  });

  it('Escape or a click outside closes the colours without saving', () => {
    const h = handlers();
    render(h);
    const swatch = mount.host.querySelector('[data-id="g"] [data-testid="annotation-color"]') as HTMLButtonElement;
    act(() => swatch.click());
    expect(mount.host.querySelector('[data-testid="annotation-colors"]')).not.toBeNull();
    act(() => void window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
    expect(mount.host.querySelector('[data-testid="annotation-colors"]')).toBeNull();
    act(() => swatch.click());
    act(() => void document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true })));
    expect(mount.host.querySelector('[data-testid="annotation-colors"]')).toBeNull();
    expect(h.update).not.toHaveBeenCalled();
    expect(h.move).not.toHaveBeenCalled();
  });
});
