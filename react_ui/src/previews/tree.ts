// The JSON tree as a flat list of visible rows: only expanded containers are walked, and each
// shows at most a page of children ("… N more" loads the next), so a million-item list costs
// no more than the rows on screen.
import { formatCount } from './format';

export type JsonType = 'array' | 'object' | 'string' | 'number' | 'boolean' | 'null';

export function jsonType(v: unknown): JsonType {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'object':
      return 'object';
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'string';
  }
}

/** Children of a container (0 for leaves). */
export function childCount(v: unknown): number {
  if (Array.isArray(v)) return v.length;
  if (typeof v === 'object' && v !== null) return Object.keys(v).length;
  return 0;
}

/** Children `[from, to)` of a container as [key, value] pairs (array keys are indices). */
export function childSlice(v: unknown, from: number, to: number): [string, unknown][] {
  if (Array.isArray(v)) {
    const out: [string, unknown][] = [];
    for (let i = from; i < Math.min(to, v.length); i++) out.push([String(i), v[i]]);
    return out;
  }
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v).slice(from, to);
    return keys.map((k) => [k, (v as Record<string, unknown>)[k]]);
  }
  return [];
}

/** A JSON Pointer segment: "~" and "/" escaped, so every path names one node. */
export function childPath(parent: string, key: string): string {
  return `${parent}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

export type TreeRow =
  | {
      kind: 'node';
      path: string;
      /** Path of the container holding it ('' for the root's children). */
      parent: string;
      depth: number;
      /** null for a root that is a leaf. */
      key: string | null;
      /** The key is an array index. */
      index: boolean;
      value: unknown;
      type: JsonType;
      count: number;
      expanded: boolean;
    }
  | { kind: 'more'; path: string; parent: string; depth: number; remaining: number; shown: number };

export interface TreeView {
  /** Explicit open/closed choices by path; others follow `autoExpand`. */
  expanded: ReadonlyMap<string, boolean>;
  /** Children shown per container path (default `pageSize`). */
  shown: ReadonlyMap<string, number>;
}

/** Children shown at first, and added per "… more". */
export const TREE_PAGE = 200;
/** Small containers right under the root open by themselves. */
const AUTO_OPEN_MAX = 20;

/** Whether the container at `path` is open. */
export function isExpanded(view: TreeView, path: string, depth: number, count: number, rootCount: number): boolean {
  const choice = view.expanded.get(path);
  if (choice !== undefined) return choice;
  return depth === 0 && count > 0 && count <= AUTO_OPEN_MAX && rootCount <= AUTO_OPEN_MAX;
}

/**
 * The visible rows of `root` (its children at depth 0; a leaf root is one row). `maxRows`
 * bounds the work even if the user opens everything.
 */
export function flattenTree(root: unknown, view: TreeView, pageSize = TREE_PAGE, maxRows = 20000): TreeRow[] {
  const rows: TreeRow[] = [];
  const rootType = jsonType(root);
  if (rootType !== 'array' && rootType !== 'object') {
    rows.push({ kind: 'node', path: '', parent: '', depth: 0, key: null, index: false, value: root, type: rootType, count: 0, expanded: false });
    return rows;
  }
  const rootCount = childCount(root);
  const visit = (value: unknown, path: string, depth: number): void => {
    const total = childCount(value);
    const shown = Math.min(total, view.shown.get(path) ?? pageSize);
    const isArray = Array.isArray(value);
    for (const [key, child] of childSlice(value, 0, shown)) {
      if (rows.length >= maxRows) return;
      const type = jsonType(child);
      const count = childCount(child);
      const p = childPath(path, key);
      const open = (type === 'array' || type === 'object') && isExpanded(view, p, depth, count, rootCount);
      rows.push({ kind: 'node', path: p, parent: path, depth, key, index: isArray, value: child, type, count, expanded: open });
      if (open) visit(child, p, depth + 1);
    }
    if (shown < total && rows.length < maxRows) {
      rows.push({ kind: 'more', path: `more:${path}`, parent: path, depth, remaining: total - shown, shown });
    }
  };
  visit(root, '', 0);
  return rows;
}

/** What a collapsed container shows after its key: "[12]" or "{3}". */
export function containerBadge(type: JsonType, count: number): string {
  return type === 'array' ? `[${formatCount(count)}]` : `{${formatCount(count)}}`;
}

/** Index of the row to focus after a key press in the tree (ARIA tree keys), or null. */
export function treeKeyTarget(rows: readonly TreeRow[], at: number, key: string): number | null {
  const row = rows[at];
  if (!row) return null;
  switch (key) {
    case 'ArrowDown':
      return at + 1 < rows.length ? at + 1 : null;
    case 'ArrowUp':
      return at > 0 ? at - 1 : null;
    case 'Home':
      return rows.length ? 0 : null;
    case 'End':
      return rows.length ? rows.length - 1 : null;
    case 'ArrowLeft': {
      // on a closed node or a leaf: go to the parent
      if (row.kind === 'node' && row.expanded) return null;
      const parent = rows.findIndex((r) => r.path === row.parent && r.kind === 'node');
      return parent >= 0 ? parent : null;
    }
    case 'ArrowRight':
      // on an open node: its first child
      if (row.kind === 'node' && row.expanded && rows[at + 1]?.parent === row.path) return at + 1;
      return null;
    default:
      return null;
  }
}
