// Several graph edits as one step of the worker's history: a multi-selection deleted, several
// nodes moved. One edit goes as its own command; more go as one `apply_edits` (all or nothing,
// one undo step).
import type { WorkerClient } from '../protocol/client';
import type { XY } from '../state/graph';

/** The commands `apply_edits` takes, with the kwargs they take on their own. */
export type Edit =
  | {
      cmd: 'add_node';
      kwargs: {
        node_id: string;
        uuid?: string;
        inputs?: Record<string, unknown>;
        properties?: Record<string, unknown>;
        allow_missing?: boolean;
      };
    }
  | { cmd: 'remove_node'; kwargs: { uuid: string } }
  | { cmd: 'update_node'; kwargs: { uuid: string; properties: Record<string, unknown>; merge: true } }
  | { cmd: 'connect'; kwargs: { src: string; src_io: string; dst: string; dst_io: string; replace?: boolean } }
  | { cmd: 'disconnect'; kwargs: { src: string; src_io: string; dst: string; dst_io: string } }
  | { cmd: 'set_annotation'; kwargs: { id: string; annotation: Record<string, unknown> } }
  | { cmd: 'remove_annotation'; kwargs: { id: string } };

export interface EdgeEnds {
  src: string;
  src_io: string;
  dst: string;
  dst_io: string;
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Deleting nodes (which take their edges along) and edges between the nodes that stay. */
export function deleteEdits(uuids: readonly string[], edges: readonly EdgeEnds[]): { label: string; edits: Edit[] } {
  const edits: Edit[] = [
    ...uuids.map((uuid): Edit => ({ cmd: 'remove_node', kwargs: { uuid } })),
    ...edges.map(({ src, src_io, dst, dst_io }): Edit => ({ cmd: 'disconnect', kwargs: { src, src_io, dst, dst_io } })),
  ];
  const parts = [];
  if (uuids.length) parts.push(plural(uuids.length, 'node', 'nodes'));
  if (edges.length) parts.push(plural(edges.length, 'edge', 'edges'));
  return { label: `Delete ${parts.join(' and ')}`, edits };
}

/** Saving the positions of nodes moved together. */
export function moveEdits(moves: ReadonlyMap<string, XY>): { label: string; edits: Edit[] } {
  const edits = [...moves].map(
    ([uuid, position]): Edit => ({ cmd: 'update_node', kwargs: { uuid, properties: { position }, merge: true } }),
  );
  return { label: `Move ${plural(moves.size, 'node', 'nodes')}`, edits };
}

/** Send the edits as one history step: a single edit as itself, more as `apply_edits`. */
export async function sendEdits(client: Pick<WorkerClient, 'send'>, label: string, edits: readonly Edit[]): Promise<void> {
  if (edits.length === 0) return;
  const [only] = edits;
  if (edits.length === 1 && only) {
    await client.send(only.cmd, only.kwargs);
    return;
  }
  await client.send('apply_edits', { label, edits });
}
