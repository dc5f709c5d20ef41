// The inspector's width: dragged at its left edge, kept in localStorage for the next visit.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { KeyboardEvent as ReactKeyboardEvent, PointerEvent as ReactPointerEvent } from 'react';

export const WIDTH_KEY = 'nodeweave.inspector.width';
export const MIN_WIDTH = 300;
export const DEFAULT_WIDTH = 420;
const MAX_WIDTH = 1600;
/** Room the canvas keeps next to the inspector. */
const CANVAS_ROOM = 360;

/** `width` within the allowed range for a window `viewport` px wide. */
export function clampWidth(width: number, viewport: number): number {
  const max = Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, viewport - CANVAS_ROOM));
  return Math.round(Math.min(max, Math.max(MIN_WIDTH, width)));
}

/** The remembered width, or the default (bad or missing values are ignored). */
export function storedWidth(storage: Pick<Storage, 'getItem'> | null): number {
  try {
    const raw = storage?.getItem(WIDTH_KEY);
    const n = raw ? Number(raw) : NaN;
    return Number.isFinite(n) && n > 0 ? n : DEFAULT_WIDTH;
  } catch {
    return DEFAULT_WIDTH;
  }
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

const viewport = () => (typeof window === 'undefined' ? 1440 : window.innerWidth);

export interface ResizeHandle {
  width: number;
  onPointerDown(e: ReactPointerEvent<HTMLElement>): void;
  onKeyDown(e: ReactKeyboardEvent<HTMLElement>): void;
}

export function useInspectorWidth(): ResizeHandle {
  const [width, setWidth] = useState(() => clampWidth(storedWidth(storage()), viewport()));
  const current = useRef(width);
  current.current = width;
  const stop = useRef<(() => void) | null>(null);
  useEffect(() => () => stop.current?.(), []);

  const save = useCallback((w: number) => {
    try {
      storage()?.setItem(WIDTH_KEY, String(w));
    } catch {
      // private mode: the width lasts for this page only
    }
  }, []);

  const onPointerDown = useCallback(
    (e: ReactPointerEvent<HTMLElement>) => {
      if (e.button !== 0) return;
      e.preventDefault();
      const startX = e.clientX;
      const startWidth = current.current;
      const move = (ev: PointerEvent) => setWidth(clampWidth(startWidth + (startX - ev.clientX), viewport()));
      const up = () => {
        window.removeEventListener('pointermove', move);
        window.removeEventListener('pointerup', up);
        window.removeEventListener('pointercancel', up);
        document.body.classList.remove('nw-resizing');
        stop.current = null;
        save(current.current);
      };
      window.addEventListener('pointermove', move);
      window.addEventListener('pointerup', up);
      window.addEventListener('pointercancel', up);
      document.body.classList.add('nw-resizing');
      stop.current = up;
    },
    [save],
  );

  const onKeyDown = useCallback(
    (e: ReactKeyboardEvent<HTMLElement>) => {
      const step = e.shiftKey ? 80 : 20;
      const delta = e.key === 'ArrowLeft' ? step : e.key === 'ArrowRight' ? -step : 0;
      if (delta === 0) return;
      e.preventDefault();
      const w = clampWidth(current.current + delta, viewport());
      setWidth(w);
      save(w);
    },
    [save],
  );

  return { width, onPointerDown, onKeyDown };
}
