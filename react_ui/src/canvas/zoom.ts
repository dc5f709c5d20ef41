// The canvas's zoom level (see lod.ts): it decides how much of a card is drawn.
export { FAR_ZOOM, LINE_ZOOM, zoomLevel, type ZoomLevel } from './lod';
