// Marks the canvas element with its zoom level (see zoom.ts); re-renders only when it flips.
import { useEffect, type RefObject } from 'react';
import { useStore } from '@xyflow/react';
import { zoomLevel } from './zoom';

export function ZoomMark({ target }: { target: RefObject<HTMLElement | null> }) {
  const level = useStore((s) => zoomLevel(s.transform[2]));
  useEffect(() => {
    const el = target.current;
    if (el) el.dataset.zoom = level;
  }, [level, target]);
  return null;
}
