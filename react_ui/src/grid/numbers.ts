// Numbers in the data grid, for reading rather than round-tripping: float noise rounded away
// (434.40000000000003 → 434.4), big values grouped (1,234,567.5), tiny or huge ones in
// exponent form (1.5e-7), ints as ints, whole floats of a float column as 86.0. Previews
// elsewhere keep Python's exact repr.

const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });
const GROUPED_INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Significant digits kept: more than a float64 can hold reliably is noise. */
const DIGITS = 12;

export function formatGridNumber(n: number, float = false): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '∞';
  if (n === -Infinity) return '-∞';
  const abs = Math.abs(n);
  if (Number.isInteger(n) && !float) {
    // years and ids stay as they are; big counts get separators
    return abs < 10_000 || abs >= 1e21 ? String(n) : GROUPED_INT.format(n);
  }
  if (abs !== 0 && (abs >= 1e15 || abs < 1e-4)) {
    return Number(n.toPrecision(6)).toExponential().replace('e+', 'e');
  }
  const clean = Number(n.toPrecision(DIGITS));
  if (abs >= 10_000) return GROUPED.format(clean);
  // a float column's whole values keep their ".0": 86.0 next to 77.4, as pandas shows them
  return float && Number.isInteger(clean) ? `${clean}.0` : String(clean);
}

/** A grid cell's text and whether it is a number (numbers align right). */
export function gridCellText(value: unknown, float = false): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatGridNumber(value, float);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
