// Which library nodes fit a wire dropped on empty space: a node with an input that takes the
// wire's output type (or, for a wire pulled from an input, an output that gives its type). The
// worker has the last word when connecting; this only narrows the palette to likely fits.
import { searchTerms, specMatches, type IoSpec, type NodeSpec, type Shelf } from '../library/tree';

/** A wire dragged from a port and dropped on nothing. */
export interface LooseWire {
  /** The node and port the wire starts at. */
  uuid: string;
  io: string;
  /** 'source': pulled from an output (the new node needs an input); 'target': from an input. */
  side: 'source' | 'target';
  /** The port's type as the worker names it ('int', 'DataFrame', 'list[str]', …). */
  type: string;
}

const ANY = new Set(['', 'any', 'typing.any', 'object', 'unknown']);
const WIDER: Record<string, readonly string[]> = {
  bool: ['int', 'float', 'complex'],
  int: ['float', 'complex'],
  float: ['complex'],
};

/** The alternatives of a union ('int | None', 'Optional[int]', 'Union[a, b]'), lower-case. */
function alternatives(type: string): string[] {
  let t = type.trim().toLowerCase().replace(/^typing\./, '');
  const optional = /^optional\[(.*)\]$/.exec(t);
  if (optional?.[1]) t = `${optional[1]} | none`;
  const union = /^union\[(.*)\]$/.exec(t);
  if (union?.[1]) t = union[1].split(',').join('|');
  return t.split('|').map((s) => s.trim()).filter((s) => s !== 'none' && s !== 'nonetype');
}

function base(type: string): string {
  const i = type.indexOf('[');
  return (i === -1 ? type : type.slice(0, i)).split('.').pop() ?? type;
}

/** An output of type `out` can feed an input of type `input`. */
export function typesCompatible(out: string, input: string): boolean {
  const outs = alternatives(out);
  const ins = alternatives(input);
  if (outs.length === 0 || ins.length === 0) return true;
  if (outs.some((t) => ANY.has(t)) || ins.some((t) => ANY.has(t))) return true;
  // every value the output can give must fit one of the input's alternatives
  return outs.every((o) =>
    ins.some((i) => o === i || base(o) === base(i) || (WIDER[base(o)] ?? []).includes(base(i))),
  );
}

/** The port of `spec` a loose wire would connect to, or null when none fits. */
export function compatiblePort(spec: NodeSpec, wire: LooseWire): IoSpec | null {
  if (wire.side === 'source') return spec.inputs.find((i) => typesCompatible(wire.type, i.type)) ?? null;
  return spec.outputs.find((o) => typesCompatible(o.type, wire.type)) ?? null;
}

export interface PaletteEntry {
  spec: NodeSpec;
  /** The port of the new node the wire connects to (with a wire). */
  port: string | null;
}

function* allSpecs(shelves: readonly Shelf[]): Generator<NodeSpec> {
  for (const s of shelves) {
    yield* s.nodes;
    yield* allSpecs(s.subshelves);
  }
}

/**
 * The palette's list: library nodes matching the query (the library's own search), narrowed
 * to those with a port that fits the wire when there is one; names starting with the query first.
 */
export function paletteEntries(shelves: readonly Shelf[], query: string, wire: LooseWire | null, limit = 50): PaletteEntry[] {
  const terms = searchTerms(query);
  const seen = new Set<string>();
  const out: PaletteEntry[] = [];
  for (const spec of allSpecs(shelves)) {
    if (seen.has(spec.id) || !specMatches(spec, terms)) continue;
    seen.add(spec.id);
    if (wire) {
      const port = compatiblePort(spec, wire);
      if (port) out.push({ spec, port: port.name });
    } else {
      out.push({ spec, port: null });
    }
  }
  const q = query.trim().toLowerCase();
  if (q) {
    const rank = (e: PaletteEntry) => (e.spec.name.toLowerCase().startsWith(q) ? 0 : e.spec.name.toLowerCase().includes(q) ? 1 : 2);
    out.sort((a, b) => rank(a) - rank(b));
  }
  return out.slice(0, limit);
}
