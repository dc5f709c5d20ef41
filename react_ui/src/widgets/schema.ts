// Map an input's JSON Schema to the widget that edits it.
//
//   integer/number with minimum+maximum → slider (step: multipleOf, `step`, or ~100 positions)
//   integer/number                      → number field
//   enum (string or other scalars)      → select
//   boolean                             → checkbox
//   string                              → text
//   anything else                       → JSON editor
//   input driven by an edge             → "connected" (read-only)
//   `x-widget` in the schema            → that widget (a name, or {"type": name, ...options});
//                                         "file": a picker of the worker's files/ plus an upload;
//                                         "button": a trigger (a count of presses: each press
//                                         sends the value + 1, and the node runs again)
//   `x-python-type` (DataFrame, ndarray…) → "connect a DataFrame": such values come by an edge
//   `x-options-from` (a column picker)   → a combobox of the input's `options`; a multi-select
//                                         for a list of strings
//
// Optional[...] (pydantic's `anyOf: [X, {"type": "null"}]`, or `type: [X, "null"]`) maps like X
// with `nullable: true`.
import type { InputInfo } from '../protocol/generated';

export type WidgetKind =
  | 'slider'
  | 'number'
  | 'select'
  | 'checkbox'
  | 'text'
  | 'json'
  | 'file'
  | 'choice'
  | 'multichoice'
  | 'typed'
  | 'button';

export const WIDGET_KINDS: readonly WidgetKind[] = ['slider', 'number', 'select', 'checkbox', 'text', 'json', 'file', 'choice', 'multichoice', 'typed', 'button'];

export interface WidgetSpec {
  kind: WidgetKind;
  /** Whole numbers only (for slider / number). */
  integer?: boolean;
  min?: number;
  max?: number;
  step?: number;
  /** Choices of a select. */
  options?: readonly unknown[];
  /** The value may be null (Optional[...]). */
  nullable: boolean;
  /** The schema's default, when it has one. */
  default?: unknown;
  /** `typed`: the Python type the value must have (`x-python-type`, e.g. "pandas.DataFrame"). */
  pythonType?: string;
  /** `choice`/`multichoice`: the input whose value supplies the choices (`x-options-from`). */
  optionsFrom?: string;
  /** Where the choice came from: the schema's shape or an `x-widget` override. */
  source: 'schema' | 'override';
}

export interface InputWidget {
  /** The input is driven by an edge: show the incoming preview, read-only. */
  connected: boolean;
  readOnly: boolean;
  /** The widget for the input's own value (used again once the edge is removed). */
  widget: WidgetSpec;
}

type Schema = Record<string, unknown>;

function isSchema(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function isNullSchema(s: unknown): boolean {
  return isSchema(s) && (s.type === 'null' || (s.const === null && !('type' in s)));
}

/** Unwrap Optional: returns the non-null schema and whether null is allowed. */
function unwrapNullable(schema: Schema): { schema: Schema; nullable: boolean } {
  for (const key of ['anyOf', 'oneOf'] as const) {
    const alts = schema[key];
    if (Array.isArray(alts) && alts.length === 2 && alts.some(isNullSchema)) {
      const other = alts.find((a) => !isNullSchema(a));
      if (isSchema(other)) {
        const { [key]: _alts, ...rest } = schema;
        return { schema: { ...rest, ...other }, nullable: true };
      }
    }
  }
  const t = schema.type;
  if (Array.isArray(t) && t.includes('null')) {
    const others = t.filter((x) => x !== 'null');
    if (others.length === 1) return { schema: { ...schema, type: others[0] }, nullable: true };
  }
  return { schema, nullable: false };
}

function defaultStep(integer: boolean, min: number, max: number): number {
  if (integer) return 1;
  const span = max - min;
  if (!(span > 0)) return 0.01;
  // a "round" step giving about 100 positions
  return Math.pow(10, Math.floor(Math.log10(span / 100)));
}

/** The step a schema asks for: `multipleOf`, else nodeweave's `Input(step=…)` (`step`, positive,
 * whole for integers). */
function schemaStep(schema: Schema, integer: boolean): number | undefined {
  const multipleOf = num(schema.multipleOf);
  if (multipleOf !== undefined) return multipleOf;
  const own = num(schema.step);
  if (own === undefined || own <= 0 || (integer && !Number.isInteger(own))) return undefined;
  return own;
}

function numberWidget(schema: Schema, integer: boolean, nullable: boolean): WidgetSpec {
  const min = num(schema.minimum) ?? num(schema.exclusiveMinimum);
  const max = num(schema.maximum) ?? num(schema.exclusiveMaximum);
  const multipleOf = schemaStep(schema, integer);
  const base: WidgetSpec = { kind: 'number', integer, nullable, source: 'schema' };
  if (min !== undefined) base.min = min;
  if (max !== undefined) base.max = max;
  if (min !== undefined && max !== undefined && max > min) {
    return { ...base, kind: 'slider', step: multipleOf ?? defaultStep(integer, min, max) };
  }
  const step = multipleOf ?? (integer ? 1 : undefined);
  if (step !== undefined) base.step = step;
  return base;
}

function isScalar(v: unknown): boolean {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

/** The widget for a JSON Schema. */
export function widgetForSchema(input: unknown): WidgetSpec {
  const raw: Schema = isSchema(input) ? input : {};
  const { schema, nullable } = unwrapNullable(raw);
  const pythonType = raw['x-python-type'] ?? schema['x-python-type'];
  if (typeof pythonType === 'string') {
    // a DataFrame, an array, a Figure: no editor can type one in
    return { kind: 'typed', pythonType, nullable, source: 'schema' };
  }
  const optionsFrom = raw['x-options-from'] ?? schema['x-options-from'];
  if (typeof optionsFrom === 'string') {
    const multi = schema.type === 'array';
    const spec: WidgetSpec = { kind: multi ? 'multichoice' : 'choice', optionsFrom, nullable, source: 'schema' };
    return 'default' in raw ? { ...spec, default: raw.default } : spec;
  }
  let spec = shapeWidget(schema, nullable);
  spec = applyOverride(spec, raw['x-widget'] ?? schema['x-widget']);
  if ('default' in raw) spec = { ...spec, default: raw.default };
  return spec;
}

function shapeWidget(schema: Schema, nullable: boolean): WidgetSpec {
  const enumValues = schema.enum;
  if (Array.isArray(enumValues) && enumValues.length > 0 && enumValues.every(isScalar)) {
    return { kind: 'select', options: enumValues, nullable, source: 'schema' };
  }
  switch (schema.type) {
    case 'integer':
      return numberWidget(schema, true, nullable);
    case 'number':
      return numberWidget(schema, false, nullable);
    case 'boolean':
      return { kind: 'checkbox', nullable, source: 'schema' };
    case 'string':
      return { kind: 'text', nullable, source: 'schema' };
    default:
      return { kind: 'json', nullable, source: 'schema' };
  }
}

function isWidgetKind(v: unknown): v is WidgetKind {
  return typeof v === 'string' && (WIDGET_KINDS as readonly string[]).includes(v);
}

function applyOverride(spec: WidgetSpec, override: unknown): WidgetSpec {
  let kind: unknown = override;
  let opts: Schema = {};
  if (isSchema(override)) {
    kind = override.type ?? override.kind ?? override.widget;
    opts = override;
  }
  if (!isWidgetKind(kind)) return spec; // unknown override: keep the schema's choice
  const out: WidgetSpec = { ...spec, kind, source: 'override' };
  for (const key of ['min', 'max', 'step'] as const) {
    const v = num(opts[key]);
    if (v !== undefined) out[key] = v;
  }
  if (Array.isArray(opts.options)) out.options = opts.options;
  if (kind === 'slider') {
    out.min ??= 0;
    out.max ??= out.integer ? 100 : 1;
    out.step ??= defaultStep(out.integer ?? false, out.min, out.max);
  }
  if (kind === 'select') out.options ??= [];
  return out;
}

/** The widget for one input of a node (an edge-driven input is read-only). */
export function widgetForInput(input: Pick<InputInfo, 'schema' | 'connected'>): InputWidget {
  const widget = widgetForSchema(input.schema);
  return { connected: input.connected, readOnly: input.connected, widget };
}
