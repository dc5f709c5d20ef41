// Copy, cut, paste and duplicate of the canvas selection. Copy puts the selection on the
// clipboard as JSON (see payload.ts); paste adds it at the cursor as one `apply_edits` step and
// selects what arrives; cut is a copy and one delete step; duplicate pastes beside the originals
// without touching the clipboard.
import { useMemo, useRef } from 'react';
import type { WorkerClient } from '../protocol/client';
import type { GraphState, XY } from '../state/graph';
import { nodePosition } from '../state/graph';
import { deleteEdits, plural, sendEdits } from '../canvas/edits';
import { withGroupJoins } from '../canvas/groupMembership';
import { buildPayload, parsePayload, pasteEdits, serializePayload, type ClipboardPayload } from './payload';
import { readClipboard, writeClipboard } from './systemClipboard';

export interface ClipboardDeps {
  client: Pick<WorkerClient, 'send'>;
  graph(): GraphState;
  /** The selected node uuids (or the one a menu was opened on). */
  selection(): string[];
  /** Where a paste lands (flow coordinates): the cursor, else the view's centre. */
  pastePoint(): XY;
  /** Select these nodes when they arrive (and nothing else). */
  selectWhenArrived(uuids: readonly string[]): void;
  fail(err: unknown): void;
  notify(message: string): void;
}

export interface ClipboardActions {
  /** False when nothing was selected (the key is left to the browser). */
  copy(uuids?: string[]): boolean;
  cut(uuids?: string[]): boolean;
  paste(at?: XY): void;
  duplicate(uuids?: string[]): boolean;
}

export const DUPLICATE_OFFSET = 40;

function payloadOf(graph: GraphState, uuids: readonly string[]): ClipboardPayload | null {
  const nodes = uuids.flatMap((u) => graph.nodes[u] ?? []);
  if (nodes.length === 0) return null;
  return buildPayload(nodes, Object.values(graph.edges));
}

export function useClipboardActions(deps: ClipboardDeps): ClipboardActions {
  const latest = useRef(deps);
  latest.current = deps;
  return useMemo(() => {
    const d = () => latest.current;
    const place = (payload: ClipboardPayload, at: XY) => {
      const pasted = pasteEdits(payload, at);
      const { label, uuids } = pasted;
      // pasted onto a group's frame: they join the group, in the same step
      const edits = withGroupJoins(d().graph().annotations, pasted.edits);
      d().selectWhenArrived(uuids);
      d().client.send('apply_edits', { label, edits }).catch((err: unknown) => d().fail(err));
    };
    const copy = (uuids = d().selection()): boolean => {
      const payload = payloadOf(d().graph(), uuids);
      if (!payload) return false;
      void writeClipboard(serializePayload(payload));
      d().notify(`Copied ${plural(payload.nodes.length, 'node', 'nodes')}`);
      return true;
    };
    return {
      copy,
      cut(uuids = d().selection()) {
        const payload = payloadOf(d().graph(), uuids);
        if (!payload) return false;
        void writeClipboard(serializePayload(payload));
        const { edits } = deleteEdits(payload.nodes.map((n) => n.uuid), []);
        sendEdits(d().client, `Cut ${plural(edits.length, 'node', 'nodes')}`, edits).catch((err: unknown) => d().fail(err));
        return true;
      },
      paste(at) {
        const point = at ?? d().pastePoint();
        readClipboard().then(
          (text) => {
            const payload = parsePayload(text);
            if (payload) place(payload, point);
            else d().notify('Nothing to paste: copy nodes first');
          },
          (err: unknown) => d().fail(err),
        );
      },
      duplicate(uuids = d().selection()) {
        const graph = d().graph();
        const payload = payloadOf(graph, uuids);
        if (!payload) return false;
        const spots = uuids.flatMap((u) => {
          const info = graph.nodes[u];
          const p = info ? nodePosition(info) : null;
          return p ? [p] : [];
        });
        const left = spots.length ? Math.min(...spots.map((p) => p.x)) : 0;
        const top = spots.length ? Math.min(...spots.map((p) => p.y)) : 0;
        place(payload, { x: left + DUPLICATE_OFFSET, y: top + DUPLICATE_OFFSET });
        return true;
      },
    };
  }, []);
}
