// Level of detail of the node cards by zoom. Near (≥ FAR_ZOOM) a card shows its widgets and
// previews. Zoomed out they are unreadable, yet the browser would lay out and paint them on every
// value: there (canvas.css) they keep their size but are skipped, and in their place a card shows
// one short line per input and output (`line`, down to LINE_ZOOM) or, farther out, muted bars
// (`bars`). Every handle and every row keeps its place, so the card's size and its edges do not
// move when the level changes.
import type { InputInfo } from '../protocol/generated';
import { ellipsis, shortJson } from '../previews/format';
import { arrayHeadLine, normalizePreview, previewSummary } from '../previews/model';

/** Below this zoom the canvas counts as zoomed out (one line per row). */
export const FAR_ZOOM = 0.6;
/** Below this zoom the rows are muted bars: even one line of text is unreadable. */
export const LINE_ZOOM = 0.35;

/** `near`: full cards; `far`: one line per row; `tiny`: bars. */
export type ZoomLevel = 'near' | 'far' | 'tiny';

export function zoomLevel(zoom: number): ZoomLevel {
  if (zoom >= FAR_ZOOM) return 'near';
  return zoom >= LINE_ZOOM ? 'far' : 'tiny';
}

/** Characters of one row's line (the card is 240 px wide; the line is drawn larger). */
export const LINE_CHARS = 28;

/** One short line for a value preview: the value itself when it is short, else what it is. */
export function previewLine(preview: unknown, max = LINE_CHARS): string {
  const m = normalizePreview(preview);
  switch (m.kind) {
    case 'empty':
      return '—';
    case 'scalar':
      return ellipsis(m.text, max);
    case 'text':
      return ellipsis(m.value.split('\n', 1)[0] ?? '', max) || `${m.type} · empty`;
    case 'container':
      return ellipsis(shortJson(m.value, max), max);
    case 'array':
      return ellipsis(arrayHeadLine(m.head, m.dtype, max), max) || previewSummary(m);
    case 'error':
      return ellipsis(`${m.type}: ${m.message}`, max);
    case 'repr':
      return ellipsis(m.value.split('\n', 1)[0] ?? m.type, max);
    default:
      return ellipsis(previewSummary(m), max);
  }
}

/** The line of an input: what drives it, its own value, or its default. */
export function inputLine(input: Pick<InputInfo, 'connected' | 'has_value' | 'value' | 'preview'>, incoming?: unknown): string {
  if (input.connected) return `← ${previewLine(incoming ?? input.preview, LINE_CHARS - 2)}`;
  if (input.has_value) return previewLine({ kind: 'json', type: '', value: input.value ?? null });
  return previewLine(input.preview);
}
