// Small pure helpers of the inspector: names, positions, where an input's edge comes from, and
// which Escape presses close the panel.
import type { EdgeInfo, NodeInfo } from '../protocol/generated';
import { nodePosition } from '../state/graph';
import { formatNumber } from '../previews/format';

/** The node's own name (properties.name) when set, else its type's name. */
export function displayName(info: Pick<NodeInfo, 'name' | 'properties'>): string {
  const own = info.properties?.name;
  return typeof own === 'string' && own.trim() !== '' ? own : info.name;
}

/** "120, 80" (to a tenth of a pixel), or null when the canvas places the node itself. */
export function formatPosition(info: NodeInfo): string | null {
  const p = nodePosition(info);
  if (!p) return null;
  const r = (v: number) => formatNumber(Math.round(v * 10) / 10);
  return `${r(p.x)}, ${r(p.y)}`;
}

/** Properties other than the ones the inspector shows by itself (name, position), sorted. */
export function otherProperties(props: Readonly<Record<string, unknown>> | undefined): [string, unknown][] {
  if (!props) return [];
  return Object.entries(props)
    .filter(([k]) => k !== 'position' && k !== 'name')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** "Load CSV.table": the output driving input `io` of node `uuid`, or null without an edge. */
export function sourceLabel(
  edges: Readonly<Record<string, EdgeInfo>>,
  nodes: Readonly<Record<string, NodeInfo>>,
  uuid: string,
  io: string,
): string | null {
  for (const e of Object.values(edges)) {
    if (e.dst !== uuid || e.dst_io !== io) continue;
    const src = nodes[e.src];
    return `${src ? displayName(src) : e.src}.${e.src_io}`;
  }
  return null;
}

export interface FocusTarget {
  tagName: string;
  type?: string;
  isContentEditable?: boolean;
}

/**
 * Whether Escape pressed on `target` closes the inspector. Fields that use Escape themselves
 * (a JSON editor or number field reverting, a select closing its list) keep it.
 */
export function escapeCloses(target: FocusTarget | null): boolean {
  if (!target) return true;
  if (target.isContentEditable) return false;
  const tag = target.tagName.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return false;
  if (tag === 'INPUT' && (target.type ?? '').toLowerCase() === 'number') return false;
  return true;
}
