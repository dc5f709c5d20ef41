// Where the inside view is: a path of composite nodes opened one inside the other, outermost
// first — a node of the workflow, then a node of its definition, and so on; the inside of the
// last one is shown. The breadcrumb reads it (Workflow › Outer › Inner), `get_inside` takes it
// (the node and the composites it sits inside), and the definitions on it tell the view when
// to fetch again. Pure, tested without a DOM.
import type { CompositeData, GetInsideArgs, NodeInfo } from '../protocol/generated';
import { compositeIdOf, innerNodes } from './model';

/** The composite nodes opened, outermost first (empty: the workflow itself). */
export type InsidePath = readonly string[];

/** The worker's limit on the composites a node sits inside (`get_inside`'s `path`). */
export const MAX_DEPTH = 33;

/** One level of the path as the breadcrumb names it. */
export interface Level {
  uuid: string;
  /** 1 for a node of the workflow, 2 for one inside it, … */
  depth: number;
  /** The node is where the path says: in the workflow, or in the definition of the level above. */
  found: boolean;
  /** Its composite's id (null: not found, or not a composite). */
  compositeId: string | null;
  /** The name the user gave this node (`properties.name`); null when it has none. */
  own: string | null;
  /** Its composite's name (the definition's; else the node type's). */
  name: string;
}

function ownName(properties: Record<string, unknown> | undefined): string | null {
  const own = properties?.name;
  return typeof own === 'string' && own.trim() ? own : null;
}

/**
 * The path's levels: the first node from the workflow's nodes, each next one from the definition
 * of the composite above it. Past a level that is not found, nothing is.
 */
export function resolvePath(
  path: InsidePath,
  nodes: Readonly<Record<string, NodeInfo>>,
  composites: Readonly<Record<string, CompositeData>>,
): Level[] {
  const levels: Level[] = [];
  let parent: CompositeData | null | undefined;
  path.forEach((uuid, i) => {
    let nodeId: string | null = null;
    let own: string | null = null;
    let typeName: string | null = null;
    if (i === 0) {
      const info = nodes[uuid];
      if (info) {
        nodeId = info.node_id;
        own = ownName(info.properties);
        typeName = info.name;
      }
    } else if (parent) {
      const inner = innerNodes(parent).find((n) => n.uuid === uuid);
      if (inner) {
        nodeId = inner.node_id;
        own = ownName(inner.properties);
      }
    }
    const found = nodeId !== null && (i === 0 || levels[i - 1]!.found);
    const compositeId = found && nodeId ? compositeIdOf(nodeId) : null;
    const def = compositeId ? composites[compositeId] : undefined;
    levels.push({ uuid, depth: i + 1, found, compositeId, own, name: def?.name ?? typeName ?? compositeId ?? 'Composite' });
    parent = def ?? null;
  });
  return levels;
}

/** What the breadcrumb calls a level: the node's own name, else its composite's. */
export function levelLabel(level: Pick<Level, 'own' | 'name'>): string {
  return level.own ?? level.name;
}

/** How many levels from the top are found (the path up to there still stands). */
export function foundDepth(levels: readonly Level[]): number {
  const broken = levels.findIndex((l) => !l.found);
  return broken < 0 ? levels.length : broken;
}

/** `get_inside`'s arguments for the last node of the path (a node of the workflow: no `path`). */
export function insideArgs(path: InsidePath): GetInsideArgs {
  const uuid = path[path.length - 1];
  if (uuid === undefined) throw new Error('an empty path has no inside');
  return path.length > 1 ? { uuid, path: path.slice(0, -1) } : { uuid };
}

/** The path with a composite of the shown inside opened (refused: one already open on it, too deep). */
export function openLevel(path: InsidePath, uuid: string): string[] | null {
  if (path.includes(uuid) || path.length >= MAX_DEPTH) return null;
  return [...path, uuid];
}

/** One level up (a path of one: back to the workflow, the empty path). */
export function upLevel(path: InsidePath): string[] {
  return path.slice(0, -1);
}

/** Back to `depth` levels (0: the workflow). */
export function toDepth(path: InsidePath, depth: number): string[] {
  return path.slice(0, Math.max(0, depth));
}

/** The composites whose definitions the levels above the last one show (their changes matter). */
export function outerIds(levels: readonly Level[]): string[] {
  return levels.slice(0, -1).flatMap((l) => (l.compositeId ? [l.compositeId] : []));
}

/** The last level's definition as the workflow has it (the inside shown without values when the
 * worker cannot reach the instance); null when the path does not lead to one. */
export function definitionAt(levels: readonly Level[], composites: Readonly<Record<string, CompositeData>>): { id: string; composite: CompositeData } | null {
  const last = levels[levels.length - 1];
  if (!last || foundDepth(levels) < levels.length || !last.compositeId) return null;
  const composite = composites[last.compositeId];
  return composite ? { id: last.compositeId, composite } : null;
}
