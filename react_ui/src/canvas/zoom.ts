// Zoomed far out, the cards are too small to read their shadows and pulsing badges, yet the
// browser still paints them on every status change: the canvas is marked `data-zoom="far"` and
// canvas.css drops those costs there.

/** Below this zoom the canvas counts as zoomed out. */
export const FAR_ZOOM = 0.6;

export type ZoomLevel = 'far' | 'near';

export function zoomLevel(zoom: number): ZoomLevel {
  return zoom < FAR_ZOOM ? 'far' : 'near';
}
