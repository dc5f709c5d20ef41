// Value parsing and formatting for the input widgets (pure; the components stay thin).
import type { InputInfo } from '../protocol/generated';
import type { WidgetSpec } from './schema';

/**
 * The value a preview holds exactly (JSON data or a whole text), else undefined: cut, repr'd
 * or binary previews are no value a widget could edit.
 */
export function previewValue(preview: Readonly<Record<string, unknown>> | null | undefined): unknown {
  if (!preview || !('value' in preview) || preview.truncated === true || preview.repr === true) return undefined;
  if (preview.kind === 'json') return preview.value;
  if (preview.kind === 'text' && typeof preview.value === 'string') return preview.value;
  return undefined;
}

/**
 * The value a widget shows: the node's own value, else the schema default, else the value the
 * input's preview holds (the function's default), else nothing.
 */
export function shownValue(
  input: Pick<InputInfo, 'has_value' | 'value'> & { preview?: Readonly<Record<string, unknown>> },
  spec: Pick<WidgetSpec, 'default'>,
): unknown {
  if (input.has_value) return input.value ?? null;
  if (spec.default !== undefined) return spec.default;
  return previewValue(input.preview);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Text for a number field. */
export function formatNumber(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

/** Parse a number field against min/max/integer; empty is null when the input is nullable. */
export function parseNumberText(
  text: string,
  spec: Pick<WidgetSpec, 'integer' | 'min' | 'max' | 'nullable'>,
): Parsed<number | null> {
  const t = text.trim();
  if (t === '') return spec.nullable ? { ok: true, value: null } : { ok: false, error: 'a number is required' };
  const n = Number(t);
  if (!Number.isFinite(n)) return { ok: false, error: 'not a number' };
  if (spec.integer && !Number.isInteger(n)) return { ok: false, error: 'a whole number is required' };
  if (spec.min !== undefined && n < spec.min) return { ok: false, error: `at least ${spec.min}` };
  if (spec.max !== undefined && n > spec.max) return { ok: false, error: `at most ${spec.max}` };
  return { ok: true, value: n };
}

/** Decimal places of a step or bound (0.05 → 2), to print slider values without float noise. */
export function stepDecimals(step: number | undefined): number {
  if (step === undefined || !Number.isFinite(step) || step === 0) return 0;
  const s = String(Math.abs(step));
  const exp = /e-(\d+)$/.exec(s);
  if (exp) return Number(exp[1]);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/**
 * A slider position from a range input's text: snapped to the step grid from `min`, clamped,
 * whole for integer inputs, and free of float noise (0.30000000000000004 → 0.3).
 */
export function sliderValue(
  raw: string | number,
  spec: Pick<WidgetSpec, 'integer' | 'min' | 'max' | 'step'>,
): number | null {
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(n)) return null;
  const min = spec.min ?? 0;
  const max = spec.max ?? 1;
  let v = Math.min(max, Math.max(min, n));
  const step = spec.step;
  if (step !== undefined && step > 0) v = min + Math.round((v - min) / step) * step;
  v = Math.min(max, Math.max(min, v));
  if (spec.integer) return Math.round(v);
  const places = Math.min(12, Math.max(stepDecimals(step), stepDecimals(spec.min)));
  return Number(v.toFixed(places));
}

/** Where the slider's thumb sits for a shown value (not a number: at min). */
export function sliderPosition(v: unknown, spec: Pick<WidgetSpec, 'min' | 'max'>): number {
  const min = spec.min ?? 0;
  const max = spec.max ?? 1;
  if (typeof v !== 'number' || !Number.isFinite(v)) return min;
  return Math.min(max, Math.max(min, v));
}

/** JSON text of a value (two-space indent); nothing for undefined. */
export function formatJson(v: unknown): string {
  if (v === undefined) return '';
  try {
    return JSON.stringify(v, null, 2) ?? '';
  } catch {
    return String(v);
  }
}

/** Parse the JSON editor's text; empty is null when the input is nullable. */
export function parseJsonText(text: string, nullable: boolean): Parsed<unknown> {
  if (text.trim() === '') return nullable ? { ok: true, value: null } : { ok: false, error: 'a value is required' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Index of a value among a select's options (options may be numbers, booleans, null). */
export function optionIndex(options: readonly unknown[], value: unknown): number {
  return options.findIndex((o) => Object.is(o, value) || o === value);
}

/** Label of a select option. */
export function optionLabel(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null) return 'None';
  return JSON.stringify(v) ?? String(v);
}

/** Text for a text field. */
export function formatText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : (JSON.stringify(v) ?? '');
}

// --- button inputs (`x-widget: "button"`) -------------------------------------------------

/** The value a press of a button input sends: one more than the count so far (and than a press
 * still unanswered, so quick presses each count). */
export function nextPress(value: unknown, lastSent: number | null = null): number {
  const now = typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.floor(value)) : 0;
  return Math.max(now, lastSent ?? 0) + 1;
}

/** A button input's label: its name in words, capitalised ("refresh" → "Refresh"). */
export function buttonLabel(name: string): string {
  const words = name.replace(/_+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Run again';
}
