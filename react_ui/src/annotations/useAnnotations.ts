// What the canvas does with groups and notes: create a group around the selection or a note at
// the view's centre, move (a group with its nodes: one step), resize, rename, edit, remove.
import { useMemo, useRef } from 'react';
import { RpcError, type WorkerClient } from '../protocol/client';
import type { GraphState, XY } from '../state/graph';
import { nodePosition } from '../state/graph';
import { sendEdits } from '../canvas/edits';
import type { Box } from '../canvas/flow';
import type { AnnotationHandlers } from './AnnotationLayer';
import { moveEdits, newGroup, newNote, setEdit, type Annotation } from './model';

export interface AnnotationDeps {
  client: Pick<WorkerClient, 'send'>;
  graph(): GraphState;
  /** The selected cards and their boxes. */
  selection(): { uuid: string; box: Box }[];
  /** Show these nodes here until the worker confirms (null: back to where they were). */
  pinNodes(positions: ReadonlyMap<string, XY> | null, uuids: readonly string[]): void;
  centre(): XY;
  fail(err: unknown): void;
}

export interface AnnotationActions extends AnnotationHandlers {
  /** False when nothing is selected. */
  groupSelection(): boolean;
  addNote(at?: XY): void;
}

export function useAnnotations(deps: AnnotationDeps): AnnotationActions {
  const latest = useRef(deps);
  latest.current = deps;
  return useMemo((): AnnotationActions => {
    const d = () => latest.current;
    const positionsOf = (uuids: readonly string[]) => {
      const nodes = d().graph().nodes;
      const out = new Map<string, XY>();
      for (const u of uuids) {
        const info = nodes[u];
        const p = info ? nodePosition(info) : null;
        if (p) out.set(u, p);
      }
      return out;
    };
    const send = (label: string, edits: Parameters<typeof sendEdits>[2]) =>
      sendEdits(d().client, label, edits).catch((err: unknown) => {
        d().fail(err);
        throw err;
      });
    return {
      preview(a, delta) {
        if (a.kind !== 'group') return;
        const members = a.nodes ?? [];
        if (!delta) return d().pinNodes(null, members);
        const moved = new Map<string, XY>();
        for (const [u, p] of positionsOf(members)) moved.set(u, { x: Math.round(p.x + delta.x), y: Math.round(p.y + delta.y) });
        d().pinNodes(moved, members);
      },
      move(a, delta) {
        const { label, edits } = moveEdits(a, delta, positionsOf(a.nodes ?? []));
        return sendEdits(d().client, label, edits).catch(async (err: unknown) => {
          // a worker whose apply_edits does not take annotations yet: the nodes, then the frame
          if (!(err instanceof RpcError && err.code === 'invalid_arguments')) {
            d().fail(err);
            throw err;
          }
          const [frame, ...nodes] = edits;
          await send(label, nodes);
          if (frame) await send(label, [frame]);
        });
      },
      update(a, changes, label) {
        return send(label, [setEdit({ ...a, ...changes })]);
      },
      remove(a) {
        void send(`Remove ${a.kind}`, [{ cmd: 'remove_annotation', kwargs: { id: a.id } }]).catch(() => undefined);
      },
      groupSelection() {
        const sel = d().selection();
        if (sel.length === 0) return false;
        const count = Object.values(d().graph().annotations).filter((x: Annotation) => x.kind === 'group').length;
        const { annotation } = newGroup(
          sel.map((s) => s.uuid),
          sel.map((s) => s.box),
          count,
        );
        void send('Group nodes', [setEdit(annotation)]).catch(() => undefined);
        return true;
      },
      addNote(at) {
        const { annotation } = newNote(at ?? d().centre());
        void send('Add note', [setEdit(annotation)]).catch(() => undefined);
      },
    };
  }, []);
}
