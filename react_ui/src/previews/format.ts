// Text for values in previews: numbers the way Python users read them, counts, sizes, short
// one-line JSON. Pure functions (no DOM), shared by the previews and the inspector.

const COUNT = new Intl.NumberFormat('en-US');

/** A count with thousands separators: 1000 → "1,000". */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? COUNT.format(n) : String(n);
}

/** Whether a Python/numpy type name is a float type (float, float32, float64, double, half…). */
export function isFloatType(type: unknown): boolean {
  return typeof type === 'string' && /^(float|double|half|single|longdouble)/i.test(type.replace(/^numpy\./, ''));
}

/** Whether a dtype holds numbers (int64, UInt8, float32, complex128…): such columns align right. */
export function isNumericDtype(dtype: unknown): boolean {
  return typeof dtype === 'string' && /^(u?int|float|complex|double|half)/i.test(dtype);
}

/**
 * A number as Python prints it, without losing digits: ints as they are (10 → "10"), floats as
 * the shortest text that reads back exactly (3.5 → "3.5"). With `float` set (the value is known
 * to be a float), integral values keep a ".0" and exponents follow Python's repr (1e-05, 1e+16).
 */
export function formatNumber(n: number, float = false): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (!float) return Object.is(n, -0) ? '-0' : String(n);
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(n);
  if (abs >= 1e16 || abs < 1e-4) {
    // Python: at least two exponent digits ("1e-05"), a mantissa without ".0" ("1e+16")
    return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  const s = String(n);
  return Number.isInteger(n) ? `${s}.0` : s;
}

/** A byte size for people: 512 B, 1.5 KB, 12 MB. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '? B';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1).replace(/\.0$/, '')} ${units[u]}`;
}

/** A shape as Python prints a tuple: [3, 4] → "(3, 4)", [5] → "(5,)". */
export function formatShape(shape: unknown): string {
  if (!Array.isArray(shape)) return '';
  const parts = shape.map((d) => (typeof d === 'number' ? String(d) : '?'));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/** Cut `text` to at most `max` characters, ending in "…" when cut. */
export function ellipsis(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** A leaf value as a table cell or tree value shows it: strings bare, numbers exact. */
export function cellText(value: unknown, float = false): string {
  if (value === null) return 'None';
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value, float);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return shortJson(value, 80);
}

/**
 * A one-line rendering of JSON data of at most `max` characters: `[1, 2, 3, …]`,
 * `{a: 1, b: "x"}`. Walks only as far as the text needs, so huge values stay cheap.
 */
export function shortJson(value: unknown, max = 60): string {
  const out: string[] = [];
  let used = 0;
  let full = false;
  const put = (s: string): boolean => {
    if (full) return false;
    if (used + s.length > max) {
      // keep max - 1 characters of what is written so far plus `s`, then the ellipsis
      const text = out.join('') + s;
      out.length = 0;
      out.push(text.slice(0, Math.max(0, max - 1)), '…');
      used = max;
      full = true;
      return false;
    }
    out.push(s);
    used += s.length;
    return true;
  };
  const walk = (v: unknown): boolean => {
    if (v === null) return put('null');
    if (typeof v === 'string') return put(JSON.stringify(v));
    if (typeof v === 'number') return put(formatNumber(v));
    if (typeof v === 'boolean') return put(v ? 'true' : 'false');
    if (Array.isArray(v)) {
      if (!put('[')) return false;
      for (let i = 0; i < v.length; i++) {
        if (i > 0 && !put(', ')) return false;
        if (!walk(v[i])) return false;
      }
      return put(']');
    }
    if (typeof v === 'object') {
      if (!put('{')) return false;
      let first = true;
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        if (!first && !put(', ')) return false;
        first = false;
        if (!put(/^[A-Za-z_$][\w$]*$/.test(k) ? `${k}: ` : `${JSON.stringify(k)}: `)) return false;
        if (!walk(item)) return false;
      }
      return put('}');
    }
    return put(String(v));
  };
  walk(value);
  return out.join('');
}
