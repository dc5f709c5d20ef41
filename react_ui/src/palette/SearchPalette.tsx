// The search palette at the cursor: type to search the library, Enter (or a click) adds the
// highlighted node there. Opened with a loose wire, it lists only node types that fit the wire.
import { useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { clampToBox } from '../canvas/flow';
import { highlight, searchTerms, type Shelf } from '../library/tree';
import { paletteEntries, type LooseWire, type PaletteEntry } from './compat';
import './palette.css';

export interface SearchPaletteProps {
  /** Where it opens, relative to the canvas. */
  x: number;
  y: number;
  bounds: { width: number; height: number };
  shelves: readonly Shelf[];
  wire: LooseWire | null;
  onPick(entry: PaletteEntry): void;
  onClose(): void;
}

export function SearchPalette({ x, y, bounds, shelves, wire, onPick, onClose }: SearchPaletteProps) {
  const ref = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [pos, setPos] = useState({ left: x, top: y });
  const entries = useMemo(() => paletteEntries(shelves, query, wire), [shelves, query, wire]);
  const terms = useMemo(() => searchTerms(query), [query]);
  const at = Math.min(active, Math.max(0, entries.length - 1));

  useLayoutEffect(() => {
    const el = ref.current;
    if (el) setPos(clampToBox({ x, y }, { width: el.offsetWidth, height: 360 }, bounds));
    input.current?.focus();
  }, [x, y, bounds]);

  useLayoutEffect(() => {
    ref.current?.querySelector('[aria-selected="true"]')?.scrollIntoView?.({ block: 'nearest' });
  }, [at]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    e.stopPropagation(); // the canvas's keys do not apply while searching
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = entries.length;
      if (n) setActive((at + (e.key === 'ArrowDown' ? 1 : -1) + n) % n);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const entry = entries[at];
      if (entry) onPick(entry);
    } else if (e.key === 'Tab') {
      e.preventDefault();
    }
  };

  return (
    <div
      ref={ref}
      className="nw-palette nokey"
      role="dialog"
      aria-label={wire ? `Add a node connected to ${wire.io}` : 'Add a node'}
      data-testid="search-palette"
      style={{ left: pos.left, top: pos.top }}
      onKeyDown={onKeyDown}
      onBlur={(e) => {
        if (!ref.current?.contains(e.relatedTarget as globalThis.Node | null)) onClose();
      }}
    >
      <input
        ref={input}
        className="nw-palette-input"
        data-testid="palette-search"
        type="search"
        placeholder={wire ? `Nodes that fit ${wire.io}: ${wire.type || 'any'}…` : 'Search nodes…'}
        value={query}
        aria-controls="nw-palette-list"
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
      />
      <ul className="nw-palette-list" id="nw-palette-list" role="listbox">
        {entries.map((entry, i) => (
          <li
            key={entry.spec.id}
            role="option"
            aria-selected={i === at}
            className="nw-palette-item"
            data-testid="palette-item"
            data-node-id={entry.spec.id}
            onMouseEnter={() => setActive(i)}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => onPick(entry)}
          >
            <span className="nw-palette-name">
              {highlight(entry.spec.name, terms).map((p, k) => (p.match ? <mark key={k}>{p.text}</mark> : <span key={k}>{p.text}</span>))}
            </span>
            <span className="nw-palette-id">
              {entry.spec.id}
              {entry.port ? ` · ${entry.port}` : ''}
            </span>
          </li>
        ))}
        {entries.length === 0 && <li className="nw-palette-empty">{wire ? 'No node type fits this wire' : 'No node matches'}</li>}
      </ul>
    </div>
  );
}
