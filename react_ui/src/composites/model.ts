// Composite nodes as the UI sees them: which node types are composites, their definitions (the
// inside graph and the ports, in order) edited as plain data, the inside drawn with the values
// of an instance, and a definition exported as a workflow document. Every edit returns a new
// definition — the whole of it goes to the worker as `set_composite` — or the reason it cannot
// be made. Pure, tested without a DOM.
import type { CompositeData, CompositePort, EdgeInfo, InputInfo, NodeInfo, OutputInfo, StateResult } from '../protocol/generated';
import type { NodeSpec } from '../library/tree';
import { edgeKey, nodePosition, type XY } from '../state/graph';
import { portKey } from '../canvas/context';

/** Node types of composite definitions are `composite.<id>`. */
export const COMPOSITE_PREFIX = 'composite.';

export function isCompositeType(nodeId: string): boolean {
  return nodeId.startsWith(COMPOSITE_PREFIX) && nodeId.length > COMPOSITE_PREFIX.length;
}

/** The definition id of a composite node type; null for any other type. */
export function compositeIdOf(nodeId: string): string | null {
  return isCompositeType(nodeId) ? nodeId.slice(COMPOSITE_PREFIX.length) : null;
}

export function compositeNodeId(id: string): string {
  return COMPOSITE_PREFIX + id;
}

/** The longest name a definition may have (the worker's limit). */
export const MAX_NAME = 100;

/** Why a composite cannot have this name; null when it can. */
export function compositeNameProblem(name: string): string | null {
  const t = name.trim();
  if (!t) return 'Give the composite a name';
  if (t.length > MAX_NAME) return `At most ${MAX_NAME} characters`;
  return null;
}

/** JSON text with sorted keys: two definitions that say the same compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isRecord(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}

/** Whether two definitions say the same (key order aside): such an edit is no edit. */
export function sameDefinition(a: CompositeData, b: CompositeData): boolean {
  return a === b || canonical(a) === canonical(b);
}

/** The definition renamed (the node type's name: every instance, the library). */
export function renameComposite(def: CompositeData, name: string): EditResult {
  const problem = compositeNameProblem(name);
  if (problem) return { refused: problem };
  return name.trim() === def.name ? def : { ...def, name: name.trim() };
}

// --- the inner nodes ------------------------------------------------------------------------

/** An inner node as a definition holds it (a workflow document's node). */
export interface InnerNode {
  uuid: string;
  node_id: string;
  inputs: Record<string, unknown>;
  properties: Record<string, unknown>;
  [k: string]: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The definition's inner nodes, narrowed (entries without a uuid or type are left out). */
export function innerNodes(def: Pick<CompositeData, 'nodes'>): InnerNode[] {
  const out: InnerNode[] = [];
  for (const raw of def.nodes) {
    if (!isRecord(raw) || typeof raw.uuid !== 'string' || typeof raw.node_id !== 'string') continue;
    out.push({ ...raw, uuid: raw.uuid, node_id: raw.node_id, inputs: isRecord(raw.inputs) ? raw.inputs : {}, properties: isRecord(raw.properties) ? raw.properties : {} });
  }
  return out;
}

function innerNode(def: CompositeData, uuid: string): InnerNode | undefined {
  return innerNodes(def).find((n) => n.uuid === uuid);
}

function withNodes(def: CompositeData, fn: (n: InnerNode) => InnerNode): CompositeData {
  return { ...def, nodes: innerNodes(def).map(fn) };
}

/** An edit that cannot be made, and why (in the user's terms). */
export interface Refused {
  refused: string;
}

export type EditResult = CompositeData | Refused;

export function isRefused(r: EditResult | { def: CompositeData } | Refused): r is Refused {
  return 'refused' in r;
}

/** What the user calls an inner node: its own name, else its type's name, else its type. */
export function innerName(n: Pick<InnerNode, 'node_id' | 'properties'>, specs?: ReadonlyMap<string, NodeSpec>): string {
  const own = n.properties.name;
  if (typeof own === 'string' && own.trim()) return own;
  return specs?.get(n.node_id)?.name ?? n.node_id;
}

/** Inner nodes moved (positions are whole pixels). */
export function moveInner(def: CompositeData, moves: ReadonlyMap<string, XY>): CompositeData {
  return withNodes(def, (n) => {
    const p = moves.get(n.uuid);
    return p ? { ...n, properties: { ...n.properties, position: { x: Math.round(p.x), y: Math.round(p.y) } } } : n;
  });
}

/** An inner input's own value (the value the inside starts from; a port's default). */
export function setInnerInput(def: CompositeData, uuid: string, io: string, value: unknown): CompositeData {
  return withNodes(def, (n) => (n.uuid === uuid ? { ...n, inputs: { ...n.inputs, [io]: value } } : n));
}

/** An inner node renamed (`properties.name`; blank: the type's name again). */
export function renameInner(def: CompositeData, uuid: string, name: string): CompositeData {
  return withNodes(def, (n) => {
    if (n.uuid !== uuid) return n;
    const { name: _old, ...rest } = n.properties;
    return { ...n, properties: name.trim() ? { ...rest, name: name.trim() } : rest };
  });
}

/** A node added inside. */
export function addInner(def: CompositeData, node: InnerNode): CompositeData {
  return { ...def, nodes: [...innerNodes(def), node] };
}

/** Inner nodes removed, with their edges and the ports that were theirs. */
export function removeInner(def: CompositeData, uuids: Iterable<string>): CompositeData {
  const gone = new Set(uuids);
  return {
    ...def,
    nodes: innerNodes(def).filter((n) => !gone.has(n.uuid)),
    edges: def.edges.filter((e) => !gone.has(e.src) && !gone.has(e.dst)),
    inputs: def.inputs.filter((p) => !gone.has(p.node)),
    outputs: def.outputs.filter((p) => !gone.has(p.node)),
  };
}

function sameEdge(a: EdgeInfo, b: EdgeInfo): boolean {
  return a.src === b.src && a.src_io === b.src_io && a.dst === b.dst && a.dst_io === b.dst_io;
}

/** An inner wire (it replaces the one that drove the input). A port's input takes no wire. */
export function connectInner(def: CompositeData, edge: EdgeInfo, specs?: ReadonlyMap<string, NodeSpec>): EditResult {
  const plain: EdgeInfo = { src: edge.src, src_io: edge.src_io, dst: edge.dst, dst_io: edge.dst_io };
  if (plain.src === plain.dst) return { refused: 'Not connected: a node cannot feed itself.' };
  const port = def.inputs.find((p) => p.node === plain.dst && p.io === plain.dst_io);
  if (port) {
    const dst = innerNode(def, plain.dst);
    const who = dst ? innerName(dst, specs) : plain.dst;
    return { refused: `Not connected: ${who}.${plain.dst_io} is the composite's input “${port.name}” (its value comes from outside). Remove the port first.` };
  }
  if (def.edges.some((e) => sameEdge(e, plain))) return def;
  if (closesCycle(def.edges, plain)) return { refused: 'Not connected: the wire would close a cycle.' };
  const kept = def.edges.filter((e) => !(e.dst === plain.dst && e.dst_io === plain.dst_io));
  return { ...def, edges: [...kept, plain] };
}

/** Whether `edge` closes a cycle: its source is reachable from its target. */
function closesCycle(edges: readonly EdgeInfo[], edge: EdgeInfo): boolean {
  const todo = [edge.dst];
  const seen = new Set<string>();
  while (todo.length) {
    const at = todo.pop()!;
    if (at === edge.src) return true;
    if (seen.has(at)) continue;
    seen.add(at);
    for (const e of edges) if (e.src === at) todo.push(e.dst);
  }
  return false;
}

/** Inner wires removed. */
export function disconnectInner(def: CompositeData, edges: readonly EdgeInfo[]): CompositeData {
  return { ...def, edges: def.edges.filter((e) => !edges.some((x) => sameEdge(e, x))) };
}

// --- ports --------------------------------------------------------------------------------

export type PortKind = 'inputs' | 'outputs';

const PORT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why a port cannot have this name; null when it can. */
export function portNameProblem(name: string, taken: readonly string[]): string | null {
  if (!name) return 'A port needs a name';
  if (name.length > 64) return 'At most 64 characters';
  if (!PORT_NAME.test(name)) return 'Letters, digits and _, not starting with a digit';
  if (taken.includes(name)) return `Another port is called “${name}”`;
  return null;
}

/** `base` made a port name no port of `taken` has (`value`, `value_2`, …). */
export function uniquePortName(base: string, taken: readonly string[]): string {
  let name = base.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'port';
  if (/^[0-9]/.test(name)) name = `_${name}`;
  name = name.slice(0, 60);
  if (!taken.includes(name)) return name;
  for (let n = 2; ; n++) {
    const next = `${name}_${n}`;
    if (!taken.includes(next)) return next;
  }
}

/** A port renamed: the new definition and the `renamed` that makes the instances' edges follow. */
export function renamePort(def: CompositeData, kind: PortKind, from: string, to: string): { def: CompositeData; renamed: Record<string, string> } | Refused {
  const ports = def[kind];
  if (!ports.some((p) => p.name === from)) return { refused: `No port “${from}”` };
  if (from === to) return { def, renamed: {} };
  const problem = portNameProblem(to, ports.filter((p) => p.name !== from).map((p) => p.name));
  if (problem) return { refused: problem };
  return { def: { ...def, [kind]: ports.map((p) => (p.name === from ? { ...p, name: to } : p)) }, renamed: { [from]: to } };
}

/** A port moved up (-1) or down (+1) in its list (the composite node's rows follow the order). */
export function movePort(def: CompositeData, kind: PortKind, name: string, delta: -1 | 1): CompositeData {
  const ports = [...def[kind]];
  const at = ports.findIndex((p) => p.name === name);
  const to = at + delta;
  if (at < 0 || to < 0 || to >= ports.length) return def;
  const [port] = ports.splice(at, 1);
  ports.splice(to, 0, port!);
  return { ...def, [kind]: ports };
}

/** A port removed (the inner port stays; the instances' edges on it are dropped). */
export function removePort(def: CompositeData, kind: PortKind, name: string): CompositeData {
  return { ...def, [kind]: def[kind].filter((p) => p.name !== name) };
}

/** An inner input or output a port could be made of. */
export interface PortCandidate {
  kind: PortKind;
  node: string;
  io: string;
  /** "Add.b" */
  label: string;
}

/** The inner inputs no wire drives and no port is, and the inner outputs no port is. */
export function portCandidates(def: CompositeData, specs: ReadonlyMap<string, NodeSpec>, extra?: ReadonlyMap<string, NodeInfo>): PortCandidate[] {
  const driven = new Set(def.edges.map((e) => `${e.dst}\u0000${e.dst_io}`));
  const inPorts = new Set(def.inputs.map((p) => `${p.node}\u0000${p.io}`));
  const outPorts = new Set(def.outputs.map((p) => `${p.node}\u0000${p.io}`));
  const out: PortCandidate[] = [];
  for (const n of innerNodes(def)) {
    const spec = specs.get(n.node_id);
    const info = extra?.get(n.uuid);
    const ins = spec ? spec.inputs.map((i) => i.name) : (info?.inputs.map((i) => i.name) ?? []);
    const outs = spec ? spec.outputs.map((o) => o.name) : (info?.outputs.map((o) => o.name) ?? []);
    const name = innerName(n, specs);
    for (const io of ins) {
      const key = `${n.uuid}\u0000${io}`;
      if (!driven.has(key) && !inPorts.has(key)) out.push({ kind: 'inputs', node: n.uuid, io, label: `${name}.${io}` });
    }
    for (const io of outs) {
      if (!outPorts.has(`${n.uuid}\u0000${io}`)) out.push({ kind: 'outputs', node: n.uuid, io, label: `${name}.${io}` });
    }
  }
  return out;
}

/** An inner input or output made a port of the composite (at the end of its list). */
export function exposePort(def: CompositeData, kind: PortKind, node: string, io: string, specs?: ReadonlyMap<string, NodeSpec>): EditResult {
  const inner = innerNode(def, node);
  if (!inner) return { refused: 'That node is not inside any more' };
  const ports = def[kind];
  if (ports.some((p) => p.node === node && p.io === io)) return { refused: `${innerName(inner, specs)}.${io} is a port already` };
  if (kind === 'inputs' && def.edges.some((e) => e.dst === node && e.dst_io === io)) {
    return { refused: `${innerName(inner, specs)}.${io} is driven by a wire inside: disconnect it first` };
  }
  const taken = ports.map((p) => p.name);
  const name = taken.includes(io) ? uniquePortName(`${innerName(inner, specs)}_${io}`, taken) : uniquePortName(io, taken);
  const port: CompositePort = { name, node, io };
  return { ...def, [kind]: [...ports, port] };
}

/** Two port renames one after the other as one (`a → b` then `b → c` is `a → c`). */
export function composeRenames(first: Readonly<Record<string, string>>, then: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  const consumed = new Set<string>();
  for (const [from, to] of Object.entries(first)) {
    const next = then[to];
    if (next !== undefined) consumed.add(to);
    const final = next ?? to;
    if (final !== from) out[from] = final;
  }
  for (const [from, to] of Object.entries(then)) {
    if (!consumed.has(from) && !(from in out) && from !== to) out[from] = to;
  }
  return out;
}

/** Inner port → the composite's port name, for the rows' tags. */
export function portTags(def: Pick<CompositeData, 'inputs' | 'outputs'>): Map<string, string> {
  const tags = new Map<string, string>();
  for (const p of def.inputs) tags.set(portKey('in', p.node, p.io), p.name);
  for (const p of def.outputs) tags.set(portKey('out', p.node, p.io), p.name);
  return tags;
}

// --- the inside, drawn ---------------------------------------------------------------------

export interface InsideGraph {
  nodes: Record<string, NodeInfo>;
  order: string[];
  edges: Record<string, EdgeInfo>;
}

const EMPTY_PREVIEW = { kind: 'empty', type: 'NoValue' } as const;

function jsonPreview(value: unknown, type: string): InputInfo['preview'] {
  return { kind: 'json', type, value } as InputInfo['preview'];
}

/**
 * The inside as cards show it: the definition's nodes, wires, names and positions (what the user
 * edits, so an edit shows at once), with the statuses and values of the instance's inside where
 * it has run (`get_inside`'s state; null before its first run). A port's input shows what comes
 * in from outside, read-only; the other inputs show the definition's values.
 */
export function insideGraph(def: CompositeData, state: StateResult | null, specs: ReadonlyMap<string, NodeSpec>): InsideGraph {
  const live = new Map<string, NodeInfo>();
  for (const n of state?.nodes ?? []) live.set(n.uuid, n);
  const driven = new Set(def.edges.map((e) => `${e.dst}\u0000${e.dst_io}`));
  const ports = new Set(def.inputs.map((p) => `${p.node}\u0000${p.io}`));
  const nodes: Record<string, NodeInfo> = {};
  const order: string[] = [];
  for (const n of innerNodes(def)) {
    const spec = specs.get(n.node_id);
    const was = live.get(n.uuid);
    const info = was && was.node_id === n.node_id ? was : undefined;
    const inputs: InputInfo[] = [];
    const names = spec ? spec.inputs.map((i) => i.name) : (info?.inputs.map((i) => i.name) ?? Object.keys(n.inputs));
    for (const io of names) {
      const ispec = spec?.inputs.find((i) => i.name === io);
      const seen = info?.inputs.find((i) => i.name === io);
      const key = `${n.uuid}\u0000${io}`;
      const port = ports.has(key);
      const own = Object.prototype.hasOwnProperty.call(n.inputs, io);
      const type = ispec?.type ?? seen?.type ?? 'Any';
      const base: InputInfo = seen ?? {
        name: io,
        type,
        schema: ispec?.schema ?? {},
        required: ispec?.required ?? false,
        connected: false,
        preview: ispec && 'default' in ispec ? jsonPreview(ispec.default, type) : EMPTY_PREVIEW,
        has_value: false,
      };
      const input: InputInfo = { ...base, connected: driven.has(key) || port };
      if (port && !seen && own) input.preview = jsonPreview(n.inputs[io], type);
      if (!port) {
        // the definition's value is the one the user edits: it shows before the inside runs again
        input.has_value = own;
        input.value = own ? n.inputs[io] : null;
        if (own && !(seen?.has_value && seen.value === n.inputs[io])) input.preview = jsonPreview(n.inputs[io], type);
        else if (!own && seen?.has_value) input.preview = ispec && 'default' in ispec ? jsonPreview(ispec.default, type) : EMPTY_PREVIEW;
      }
      inputs.push(input);
    }
    const outputs: OutputInfo[] = spec
      ? spec.outputs.map((o) => info?.outputs.find((x) => x.name === o.name) ?? { name: o.name, type: o.type, schema: o.schema, preview: EMPTY_PREVIEW })
      : (info?.outputs ?? []);
    nodes[n.uuid] = {
      ...(info ?? {}),
      uuid: n.uuid,
      node_id: n.node_id,
      name: spec?.name ?? info?.name ?? n.node_id,
      status: info?.status ?? 'idle',
      placeholder: !spec && (info?.placeholder ?? true),
      inputs,
      outputs,
      properties: n.properties,
      error: info?.error ?? null,
      description: spec?.description ?? info?.description ?? '',
    };
    order.push(n.uuid);
  }
  const edges: Record<string, EdgeInfo> = {};
  for (const e of def.edges) if (e.src in nodes && e.dst in nodes) edges[edgeKey(e)] = { src: e.src, src_io: e.src_io, dst: e.dst, dst_io: e.dst_io };
  return { nodes, order, edges };
}

/** Where the inside's nodes are (for placing a new one beside them). */
export function innerPositions(def: CompositeData): XY[] {
  return innerNodes(def).flatMap((n) => {
    const p = nodePosition({ properties: n.properties } as NodeInfo);
    return p ? [p] : [];
  });
}

// --- export: a workflow document that carries the definition --------------------------------

/** The composites a definition uses, directly or through others (itself first). */
export function compositeClosure(id: string, defs: Readonly<Record<string, CompositeData>>): string[] {
  const out: string[] = [];
  const visit = (cid: string) => {
    if (out.includes(cid) || !defs[cid]) return;
    out.push(cid);
    for (const n of innerNodes(defs[cid]!)) {
      const used = compositeIdOf(n.node_id);
      if (used) visit(used);
    }
  };
  visit(id);
  return out;
}

/** A workflow document with no nodes and the definition (and those it uses): merged into another
 * worker, its composites join that worker's library. */
export function compositeDocument(id: string, defs: Readonly<Record<string, CompositeData>>): Record<string, unknown> {
  const composites: Record<string, CompositeData> = {};
  for (const cid of compositeClosure(id, defs)) composites[cid] = defs[cid]!;
  return { schema_version: 1, nodes: [], edges: [], composites };
}

/** `<id>.composite.json` */
export function compositeFileName(id: string): string {
  const base = id.trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${base || 'composite'}.composite.json`;
}

/** The composite definitions a workflow document carries (empty when none). */
export function documentComposites(doc: Record<string, unknown>): string[] {
  const c = doc.composites;
  return isRecord(c) ? Object.keys(c) : [];
}

/** A document of composite definitions only (an exported composite): merged, never imported over
 * the graph. */
export function isCompositeDocument(doc: Record<string, unknown>): boolean {
  return Array.isArray(doc.nodes) && doc.nodes.length === 0 && documentComposites(doc).length > 0;
}
