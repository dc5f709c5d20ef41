// The live NodeInfo of every card. React Flow's node objects change only when something React
// Flow or the minimap reads changes (position, status, highlight; see flow.ts): a value flowing
// through a 200-node chain must not make React Flow re-process 200 nodes, re-render their
// wrappers and redraw the minimap. A card reads its own NodeInfo here instead, and re-renders
// alone when it changes.
import type { NodeInfo } from '../protocol/generated';

export class NodeStore {
  private nodes: Readonly<Record<string, NodeInfo>> = {};
  private changed: string[] = [];
  private readonly listeners = new Map<string, Set<() => void>>();

  /**
   * Take the graph's nodes. Called while the canvas renders, so the cards rendered in the same
   * pass already read them; the others are told in `notify`, after the commit.
   */
  set(nodes: Readonly<Record<string, NodeInfo>>): void {
    if (nodes === this.nodes) return;
    for (const uuid in nodes) if (nodes[uuid] !== this.nodes[uuid]) this.changed.push(uuid);
    this.nodes = nodes;
  }

  /** Tell the cards whose NodeInfo changed since the last call. */
  notify(): void {
    if (this.changed.length === 0) return;
    const changed = this.changed;
    this.changed = [];
    for (const uuid of changed) {
      for (const fn of [...(this.listeners.get(uuid) ?? [])]) fn();
    }
  }

  get(uuid: string): NodeInfo | undefined {
    return this.nodes[uuid];
  }

  subscribe(uuid: string, fn: () => void): () => void {
    let set = this.listeners.get(uuid);
    if (!set) {
      set = new Set();
      this.listeners.set(uuid, set);
    }
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.listeners.delete(uuid);
    };
  }
}
