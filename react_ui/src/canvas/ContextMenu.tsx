// Right-click menu of a node or an edge. Arrow keys move between items, Escape closes.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { clampToBox } from './flow';

export interface MenuItem {
  testId: string;
  label: string;
  danger?: boolean;
  /** A keyboard shortcut that does the same (shown on the right), e.g. "Ctrl+G". */
  shortcut?: string;
  run(): void;
}

export interface ContextMenuProps {
  /** Where it was opened, relative to the canvas. */
  x: number;
  y: number;
  /** Size of the canvas, to keep the menu inside it. */
  bounds: { width: number; height: number };
  label: string;
  items: readonly MenuItem[];
  onClose(): void;
}

export function ContextMenu({ x, y, bounds, label, items, onClose }: ContextMenuProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ left: x, top: y });

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setPos(clampToBox({ x, y }, { width: el.offsetWidth, height: el.offsetHeight }, bounds));
    el.querySelector<HTMLButtonElement>('button')?.focus();
  }, [x, y, bounds]);

  // a press anywhere else closes the menu
  useEffect(() => {
    const onDown = (e: PointerEvent) => {
      if (ref.current && e.target instanceof globalThis.Node && ref.current.contains(e.target)) return;
      onClose();
    };
    window.addEventListener('pointerdown', onDown, true);
    return () => window.removeEventListener('pointerdown', onDown, true);
  }, [onClose]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const buttons = [...(ref.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const at = buttons.findIndex((b) => b === document.activeElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      buttons[(at + step + buttons.length) % buttons.length]?.focus();
    } else if (e.key === 'Tab') {
      onClose();
    }
  };

  return (
    <div
      ref={ref}
      className="nw-menu nokey"
      role="menu"
      aria-label={label}
      data-testid="context-menu"
      style={{ left: pos.left, top: pos.top }}
      onKeyDown={onKeyDown}
      onContextMenu={(e) => e.preventDefault()}
    >
      {items.map((item) => (
        <button
          key={item.testId}
          type="button"
          role="menuitem"
          className={`nw-menu-item${item.danger ? ' nw-menu-danger' : ''}`}
          data-testid={item.testId}
          aria-keyshortcuts={item.shortcut?.replace('Ctrl', 'Control')}
          onClick={() => {
            onClose();
            item.run();
          }}
        >
          {item.label}
          {item.shortcut && (
            <kbd className="nw-menu-key" aria-hidden="true">
              {item.shortcut}
            </kbd>
          )}
        </button>
      ))}
    </div>
  );
}
