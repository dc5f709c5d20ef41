// Nodes this tab added (a paste, a duplicate) are selected when the worker's events bring them,
// and nothing else is: the user can move or delete what was just pasted at once.
import type { FlowNode } from '../state/graph';

/** Select the wanted nodes that have arrived (each taken out of `wanted`); `nodes` when none did. */
export function selectArrived(nodes: FlowNode[], wanted: Set<string>): FlowNode[] {
  if (wanted.size === 0 || !nodes.some((n) => wanted.has(n.id))) return nodes;
  return nodes.map((n) => {
    if (!wanted.has(n.id)) return n;
    wanted.delete(n.id);
    return n.selected ? n : { ...n, selected: true };
  });
}

/** Nothing selected (before a paste's nodes arrive). */
export function deselectAll(nodes: FlowNode[]): FlowNode[] {
  return nodes.some((n) => n.selected) ? nodes.map((n) => (n.selected ? { ...n, selected: false } : n)) : nodes;
}
