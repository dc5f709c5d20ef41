// The worker's library as the panel shows it: `get_library` shelves narrowed from untyped JSON to
// a typed tree, and the search over it. Pure, so it is tested without a DOM.

export interface IoSpec {
  name: string;
  type: string;
  schema: Record<string, unknown>;
  description: string;
  /** Inputs only: false when the input has a default. */
  required: boolean;
  /** Inputs only: the default, when it is JSON (absent otherwise). */
  default?: unknown;
}

export interface NodeSpec {
  id: string;
  name: string;
  description: string;
  inputs: IoSpec[];
  outputs: IoSpec[];
  executor: string;
  module: string;
  /** A generator node (a source): it yields values as they come, and can be paused. */
  stream: boolean;
}

export interface Shelf {
  name: string;
  description: string;
  nodes: NodeSpec[];
  subshelves: Shelf[];
  /** Unique among the tree's shelves: the names from the top shelf down. */
  key: string;
  /** Nodes on this shelf and its sub-shelves. */
  count: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function parseIo(raw: unknown, isInput: boolean): IoSpec | null {
  if (!isRecord(raw) || typeof raw.name !== 'string' || !raw.name) return null;
  const io: IoSpec = {
    name: raw.name,
    type: str(raw.type),
    schema: isRecord(raw.schema) ? raw.schema : {},
    description: str(raw.description),
    required: isInput ? raw.required !== false : false,
  };
  if (isInput && 'default' in raw) io.default = raw.default;
  return io;
}

/** A node spec from JSON; null when it has no id. */
export function parseSpec(raw: unknown): NodeSpec | null {
  if (!isRecord(raw) || typeof raw.id !== 'string' || !raw.id) return null;
  const name = str(raw.name).trim();
  return {
    id: raw.id,
    name: name || raw.id,
    description: str(raw.description),
    inputs: list(raw.inputs).flatMap((io) => parseIo(io, true) ?? []),
    outputs: list(raw.outputs).flatMap((io) => parseIo(io, false) ?? []),
    executor: str(raw.executor),
    module: str(raw.module),
    stream: raw.stream === true,
  };
}

// Joins shelf names into a key; a control character no shelf name contains.
const KEY_SEP = '\u001f';

function parseShelf(raw: unknown, parentKey: string | null): Shelf | null {
  if (!isRecord(raw) || typeof raw.name !== 'string' || !raw.name.trim()) return null;
  const key = parentKey === null ? raw.name : `${parentKey}${KEY_SEP}${raw.name}`;
  const nodes = list(raw.nodes).flatMap((n) => parseSpec(n) ?? []);
  const subshelves = uniqueShelves(list(raw.subshelves), key);
  return {
    name: raw.name,
    description: str(raw.description),
    nodes,
    subshelves,
    key,
    count: nodes.length + subshelves.reduce((sum, s) => sum + s.count, 0),
  };
}

function uniqueShelves(raws: unknown[], parentKey: string | null): Shelf[] {
  const seen = new Map<string, number>();
  const out: Shelf[] = [];
  for (const raw of raws) {
    const shelf = parseShelf(raw, parentKey);
    if (!shelf) continue;
    // Two shelves of one name (two modules may pick the same one) still need their own keys.
    const n = seen.get(shelf.key) ?? 0;
    seen.set(shelf.key, n + 1);
    out.push(n === 0 ? shelf : rekey(shelf, `${shelf.key} (${n + 1})`));
  }
  return out;
}

function rekey(shelf: Shelf, key: string): Shelf {
  return {
    ...shelf,
    key,
    subshelves: shelf.subshelves.map((s) => rekey(s, `${key}${KEY_SEP}${s.name}`)),
  };
}

/** The shelves of a `get_library` result; entries that are not shelves or specs are left out. */
export function parseShelves(raw: unknown): Shelf[] {
  return uniqueShelves(list(raw), null);
}

/** The shelf of the workflow's composite nodes (one node type per definition). */
export const COMPOSITES_SHELF = 'composites';

/** The shelves as the panel lists them: the workflow's own composites first, the rest in order. */
export function arrangeShelves(shelves: readonly Shelf[]): Shelf[] {
  const own = shelves.filter((s) => s.name === COMPOSITES_SHELF);
  return own.length ? [...own, ...shelves.filter((s) => s.name !== COMPOSITES_SHELF)] : [...shelves];
}

/** What the panel calls a shelf. */
export function shelfTitle(name: string): string {
  return name === COMPOSITES_SHELF ? 'Composites (this workflow)' : name;
}

/** Every node spec of the shelves by id (the first of an id wins). */
export function specsById(shelves: readonly Shelf[]): Map<string, NodeSpec> {
  const out = new Map<string, NodeSpec>();
  const walk = (list: readonly Shelf[]) => {
    for (const shelf of list) {
      for (const spec of shelf.nodes) if (!out.has(spec.id)) out.set(spec.id, spec);
      walk(shelf.subshelves);
    }
  };
  walk(shelves);
  return out;
}

/** The lower-case words of a search; empty when the query is blank. */
export function searchTerms(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

/** True when every term occurs in the node's name, id or description. */
export function specMatches(spec: NodeSpec, terms: readonly string[]): boolean {
  if (terms.length === 0) return true;
  const hay = `${spec.name}\n${spec.id}\n${spec.description}`.toLowerCase();
  return terms.every((t) => hay.includes(t));
}

/** The shelves pruned to the nodes that match; shelves without a match are left out. */
export function filterShelves(shelves: readonly Shelf[], terms: readonly string[]): Shelf[] {
  if (terms.length === 0) return [...shelves];
  const out: Shelf[] = [];
  for (const shelf of shelves) {
    const nodes = shelf.nodes.filter((n) => specMatches(n, terms));
    const subshelves = filterShelves(shelf.subshelves, terms);
    const count = nodes.length + subshelves.reduce((sum, s) => sum + s.count, 0);
    if (count > 0) out.push({ ...shelf, nodes, subshelves, count });
  }
  return out;
}

/** The first node of the tree as shown, or null. */
export function firstNode(shelves: readonly Shelf[]): NodeSpec | null {
  for (const s of shelves) {
    const first = s.nodes[0] ?? firstNode(s.subshelves);
    if (first) return first;
  }
  return null;
}

/** Total nodes in a list of shelves. */
export function countNodes(shelves: readonly Shelf[]): number {
  return shelves.reduce((sum, s) => sum + s.count, 0);
}

export interface TextPart {
  text: string;
  match: boolean;
}

/** `text` cut into parts where the search terms occur (for highlighting), case-insensitive. */
export function highlight(text: string, terms: readonly string[]): TextPart[] {
  if (terms.length === 0 || !text) return [{ text, match: false }];
  const lower = text.toLowerCase();
  const marked = new Array<boolean>(text.length).fill(false);
  for (const t of terms) {
    let at = lower.indexOf(t);
    while (at !== -1) {
      marked.fill(true, at, at + t.length);
      at = lower.indexOf(t, at + t.length);
    }
  }
  const parts: TextPart[] = [];
  let start = 0;
  for (let i = 1; i <= text.length; i++) {
    if (i === text.length || marked[i] !== marked[start]) {
      parts.push({ text: text.slice(start, i), match: marked[start] === true });
      start = i;
    }
  }
  return parts;
}

/** The description's first line when it is short enough for a second line under the name. */
export function shortDescription(description: string, max = 48): string | null {
  const first = description.trim().split(/\r?\n/, 1)[0]?.trim() ?? '';
  return first && first.length <= max ? first : null;
}

function ioLine(io: IoSpec): string {
  const type = io.type ? `: ${io.type}` : '';
  return `${io.name}${type}${io.required ? '' : '?'}`;
}

/** The tooltip of a library entry: id, description and signature. */
export function specTooltip(spec: NodeSpec): string {
  const lines = [spec.id];
  if (spec.description.trim()) lines.push(spec.description.trim());
  const sig: string[] = [];
  if (spec.inputs.length) sig.push(`in: ${spec.inputs.map(ioLine).join(', ')}`);
  if (spec.outputs.length) sig.push(`out: ${spec.outputs.map((o) => (o.type ? `${o.name}: ${o.type}` : o.name)).join(', ')}`);
  if (sig.length) lines.push('', ...sig);
  return lines.join('\n');
}
