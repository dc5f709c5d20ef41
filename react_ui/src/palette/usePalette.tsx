// The canvas's search palette: opened at a point (a double-click or Space/Tab on the empty
// canvas, or a wire dropped on nothing), it adds the picked node there — with the wire, the add
// and the connect are one `apply_edits` step.
import { useCallback, useMemo, useState, type ReactNode, type RefObject } from 'react';
import type { LibraryResult } from '../protocol/generated';
import type { WorkerClient } from '../protocol/client';
import { parseShelves } from '../library/tree';
import type { XY } from '../state/graph';
import { randomUuid } from '../clipboard/payload';
import { CARD_SIZE, centredAt, roundPosition } from '../canvas/flow';
import type { Edit } from '../canvas/edits';
import { SearchPalette } from './SearchPalette';
import type { LooseWire, PaletteEntry } from './compat';

interface Opened {
  /** Relative to the canvas. */
  x: number;
  y: number;
  bounds: { width: number; height: number };
  /** Flow coordinates of the point. */
  at: XY;
  wire: LooseWire | null;
}

export interface PaletteDeps {
  wrapper: RefObject<HTMLElement | null>;
  library: LibraryResult | null;
  client: Pick<WorkerClient, 'send'>;
  toFlow(screen: XY): XY;
  /** Add a node of this type near `at` (nudged off other cards). */
  addAt(nodeId: string, at: XY): void;
  /** A free spot for a new card wanted at `want`. */
  place(want: XY): XY;
  fail(err: unknown): void;
  /** The edits plus whatever else goes in their step (a new node joining the group it lands in). */
  joinGroups?(edits: readonly Edit[]): Edit[];
}

/** Where a node added from a loose wire goes: beside the drop point, on the wire's far side. */
export function wirePlacement(at: XY, wire: LooseWire): XY {
  const y = at.y - 40;
  return roundPosition(wire.side === 'source' ? { x: at.x + 16, y } : { x: at.x - CARD_SIZE.width - 16, y });
}

/** The add and the connect of a node picked for a loose wire, as one step. */
export function wireEdits(entry: PaletteEntry, wire: LooseWire, position: XY, uuid: string): { label: string; edits: Edit[] } {
  const port = entry.port ?? '';
  const connect: Edit =
    wire.side === 'source'
      ? { cmd: 'connect', kwargs: { src: wire.uuid, src_io: wire.io, dst: uuid, dst_io: port } }
      : { cmd: 'connect', kwargs: { src: uuid, src_io: port, dst: wire.uuid, dst_io: wire.io, replace: true } };
  return {
    label: `Add ${entry.spec.name} and connect it`,
    edits: [{ cmd: 'add_node', kwargs: { node_id: entry.spec.id, uuid, properties: { position } } }, connect],
  };
}

export function usePalette(deps: PaletteDeps): { open(screen: XY, wire?: LooseWire | null): void; isOpen: boolean; element: ReactNode } {
  const [opened, setOpened] = useState<Opened | null>(null);
  const shelves = useMemo(() => parseShelves(deps.library?.shelves ?? []), [deps.library]);
  const { wrapper, toFlow, client, addAt, place, fail, joinGroups } = deps;

  const open = useCallback(
    (screen: XY, wire: LooseWire | null = null) => {
      const box = wrapper.current?.getBoundingClientRect();
      if (!box) return;
      setOpened({ x: screen.x - box.left, y: screen.y - box.top, bounds: { width: box.width, height: box.height }, at: toFlow(screen), wire });
    },
    [wrapper, toFlow],
  );
  const close = useCallback(() => setOpened(null), []);
  const pick = useCallback(
    (entry: PaletteEntry) => {
      if (!opened) return;
      setOpened(null);
      const { wire, at } = opened;
      if (!wire || !entry.port) {
        addAt(entry.spec.id, place(centredAt(at)));
        return;
      }
      const { label, edits } = wireEdits(entry, wire, place(wirePlacement(at, wire)), randomUuid());
      client.send('apply_edits', { label, edits: joinGroups ? joinGroups(edits) : edits }).catch(fail);
    },
    [opened, addAt, place, client, fail, joinGroups],
  );

  const element = opened ? (
    <SearchPalette x={opened.x} y={opened.y} bounds={opened.bounds} shelves={shelves} wire={opened.wire} onPick={pick} onClose={close} />
  ) : null;
  return { open, isOpen: opened !== null, element };
}
