// The open worker's library: its shelves as a collapsible tree with a search. Nodes are added
// to the canvas by double-click / Enter, or dragged onto it.
import {
  memo,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type DragEvent,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import type { LibraryResult } from '../protocol/generated';
import { failedShelves, type FailedModule } from '../modules/events';
import { isTypingTarget } from './keys';
import {
  arrangeShelves,
  COMPOSITES_SHELF,
  countNodes,
  filterShelves,
  firstNode,
  highlight,
  parseShelves,
  searchTerms,
  shelfTitle,
  shortDescription,
  specTooltip,
  type NodeSpec,
  type Shelf,
} from './tree';
import { CompositeIcon } from '../composites/CompositeIcon';
import './library.css';

/** dataTransfer type of a node dragged from the library onto the canvas (value: node id). */
export const NODE_DRAG_TYPE = 'application/x-nodeweave-node';

export interface LibraryPanelProps {
  library: LibraryResult | null;
  /** Add a node of this type (library id) to the canvas. */
  onAdd(nodeId: string): void;
  /** Modules whose last import failed: a badge on their shelves, and listed above the tree. */
  failed?: readonly FailedModule[];
  /** Open a module file in the editor. */
  onOpenModule?(file: string): void;
  /** Why nodes cannot be added now (the worker is not running); null when they can. */
  disabledReason?: string | null;
  /** Delete the definition of a composite node type (`composite.<id>`; refused while in use). */
  onRemoveComposite?(nodeId: string): void;
}

const NO_FAILED: readonly FailedModule[] = [];

/** Shelves opened or closed by the user, by key (the rest keep their default). */
type Toggles = ReadonlyMap<string, boolean>;

const NO_TOGGLES: Toggles = new Map();

// memo: the workspace re-renders on every graph event; the library only when its props change
export const LibraryPanel = memo(function LibraryPanel({
  library,
  onAdd: add,
  failed = NO_FAILED,
  onOpenModule,
  disabledReason = null,
  onRemoveComposite,
}: LibraryPanelProps) {
  const disabled = disabledReason !== null;
  const onAdd = useCallback((nodeId: string) => {
    if (!disabled) add(nodeId);
  }, [add, disabled]);
  const brokenShelves = useMemo(() => failedShelves(failed), [failed]);
  // the workflow's own composites first: they are what this graph is made of
  const shelves = useMemo(() => arrangeShelves(parseShelves(library?.shelves)), [library]);
  const total = useMemo(() => countNodes(shelves), [shelves]);
  const [query, setQuery] = useState('');
  const terms = useMemo(() => searchTerms(query), [query]);
  const shown = useMemo(() => filterShelves(shelves, terms), [shelves, terms]);
  const searching = terms.length > 0;
  const matches = searching ? countNodes(shown) : total;

  // Browsing: top-level shelves start open. Searching: every shelf with a match is open, and
  // what the user closes stays closed only for that search.
  const [browseToggles, setBrowseToggles] = useState<Toggles>(NO_TOGGLES);
  const [searchToggles, setSearchToggles] = useState<{ query: string; toggles: Toggles }>({
    query: '',
    toggles: NO_TOGGLES,
  });
  const toggles = searching ? (searchToggles.query === query ? searchToggles.toggles : NO_TOGGLES) : browseToggles;
  const isOpen = useCallback(
    (key: string, depth: number) => toggles.get(key) ?? (searching || depth === 0),
    [toggles, searching],
  );
  const setOpen = useCallback(
    (key: string, open: boolean) => {
      const next = (t: Toggles) => new Map(t).set(key, open);
      if (searching) {
        setSearchToggles((s) => ({ query, toggles: next(s.query === query ? s.toggles : NO_TOGGLES) }));
      } else {
        setBrowseToggles(next);
      }
    },
    [searching, query],
  );

  const searchRef = useRef<HTMLInputElement>(null);
  const treeRef = useRef<HTMLDivElement>(null);

  // "/" focuses the search, unless the user is typing somewhere or a dialog is open.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== '/' || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (isTypingTarget(e.target) || document.querySelector('[aria-modal="true"]')) return;
      e.preventDefault();
      searchRef.current?.focus();
      searchRef.current?.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const navItems = () => Array.from(treeRef.current?.querySelectorAll<HTMLElement>('[data-nav]') ?? []);

  const onSearchKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      const first = searching ? firstNode(shown) : null;
      if (first) onAdd(first.id);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      if (query) setQuery('');
      else e.currentTarget.blur();
    } else if (e.key === 'ArrowDown') {
      const first = navItems()[0];
      if (first) {
        e.preventDefault();
        first.focus();
      }
    }
  };

  const onTreeKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    if (!target.hasAttribute('data-nav')) return;
    const items = navItems();
    const i = items.indexOf(target);
    const shelfKey = target.getAttribute('data-shelf-key');
    const parentHead = () =>
      target
        .closest('[data-testid="library-shelf"]')
        ?.parentElement?.closest('[data-testid="library-shelf"]')
        ?.querySelector<HTMLElement>(':scope > [data-nav]') ?? null;
    const ownHead = () =>
      target.closest('[data-testid="library-shelf"]')?.querySelector<HTMLElement>(':scope > [data-nav]') ?? null;
    let next: HTMLElement | null | undefined;
    switch (e.key) {
      case 'ArrowDown':
        next = items[i + 1];
        break;
      case 'ArrowUp':
        next = i > 0 ? items[i - 1] : searchRef.current;
        break;
      case 'Home':
        next = items[0];
        break;
      case 'End':
        next = items[items.length - 1];
        break;
      case 'ArrowRight':
        if (shelfKey === null) return;
        if (target.getAttribute('aria-expanded') === 'true') next = items[i + 1];
        else setOpen(shelfKey, true);
        break;
      case 'ArrowLeft':
        if (shelfKey !== null && target.getAttribute('aria-expanded') === 'true') setOpen(shelfKey, false);
        else next = shelfKey === null ? ownHead() : parentHead();
        break;
      default:
        return;
    }
    e.preventDefault();
    next?.focus();
  };

  let body: ReactNode;
  if (library === null) {
    body = <div className="nw-lib-note">Loading library…</div>;
  } else if (shelves.length === 0) {
    body = (
      <div className="nw-lib-note" data-testid="library-empty">
        No nodes
      </div>
    );
  } else if (shown.length === 0) {
    body = (
      <div className="nw-lib-note" data-testid="library-no-match">
        No nodes match “{query.trim()}”
      </div>
    );
  } else {
    body = (
      <ul className="nw-lib-tree" aria-label="Shelves">
        {shown.map((shelf) => (
          <ShelfItem
            key={shelf.key}
            shelf={shelf}
            failure={brokenShelves.get(shelf.name)}
            depth={0}
            terms={terms}
            isOpen={isOpen}
            setOpen={setOpen}
            onAdd={onAdd}
            onRemove={shelf.name === COMPOSITES_SHELF && !disabled ? onRemoveComposite : undefined}
          />
        ))}
      </ul>
    );
  }

  return (
    <section
      className={disabled ? 'nw-lib nw-lib-disabled' : 'nw-lib'}
      data-testid="library-panel"
      data-disabled={disabled ? 'true' : 'false'}
      aria-labelledby="nw-lib-title"
    >
      <header className="nw-lib-head">
        <h2 id="nw-lib-title" className="nw-lib-title">
          Library
          {library !== null && total > 0 && (
            <span className="nw-lib-total" aria-live="polite">
              {searching ? `${matches} of ${total}` : total}
            </span>
          )}
        </h2>
      </header>
      <div className="nw-lib-search">
        <input
          ref={searchRef}
          type="search"
          className="nw-lib-search-input"
          data-testid="library-search"
          placeholder="Search nodes…"
          aria-label="Search nodes"
          aria-keyshortcuts="/"
          title="Search nodes by name, id or description (/). Enter adds the first match."
          autoComplete="off"
          spellCheck={false}
          value={query}
          disabled={library === null}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onSearchKeyDown}
        />
        {!query && (
          <kbd className="nw-lib-search-key" aria-hidden="true">
            /
          </kbd>
        )}
      </div>
      {disabledReason && (
        <div className="nw-lib-off" role="status" data-testid="library-disabled">
          {disabledReason}
        </div>
      )}
      <div className="nw-lib-scroll" ref={treeRef} onKeyDown={onTreeKeyDown} aria-disabled={disabled || undefined} inert={disabled}>
        {failed.length > 0 && <FailedList failed={failed} onOpen={onOpenModule} />}
        {body}
      </div>
    </section>
  );
});

function FailedList({ failed, onOpen }: { failed: readonly FailedModule[]; onOpen: ((file: string) => void) | undefined }) {
  return (
    <ul className="nw-lib-failed" aria-label="Modules that failed to load">
      {failed.map((f) => (
        <li key={f.module} className="nw-lib-failed-item" data-testid="library-failed-module" data-module={f.module} title={f.message}>
          <span className="nw-lib-failed-icon" aria-hidden="true">
            ⚠
          </span>
          <span className="nw-lib-failed-text">
            <strong>{f.file ?? f.module}</strong> failed to load: {f.message}
          </span>
          {f.file && onOpen && (
            <button type="button" className="nw-lib-failed-open" data-testid="library-failed-open" onClick={() => onOpen(f.file ?? '')}>
              Open
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

interface ShelfItemProps {
  shelf: Shelf;
  /** The module filling this shelf failed its last import (its previous nodes are shown). */
  failure?: FailedModule | undefined;
  depth: number;
  terms: readonly string[];
  isOpen(key: string, depth: number): boolean;
  setOpen(key: string, open: boolean): void;
  onAdd(nodeId: string): void;
  /** A remove button on each node (the composites shelf: delete a definition). */
  onRemove?: ((nodeId: string) => void) | undefined;
}

function ShelfItem({ shelf, failure, depth, terms, isOpen, setOpen, onAdd, onRemove }: ShelfItemProps) {
  const open = isOpen(shelf.key, depth);
  return (
    <li className="nw-lib-shelf" data-testid="library-shelf" data-shelf={shelf.name} data-open={open} data-failed={failure ? 'true' : undefined}>
      <button
        type="button"
        className="nw-lib-shelf-head"
        style={{ paddingLeft: 6 + depth * 12 }}
        aria-expanded={open}
        data-nav=""
        data-shelf-key={shelf.key}
        title={shelf.description || undefined}
        onClick={() => setOpen(shelf.key, !open)}
      >
        <svg className="nw-lib-chevron" width="10" height="10" viewBox="0 0 10 10" aria-hidden="true" focusable="false">
          <path d="M3 1.5 6.5 5 3 8.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>
        <span className="nw-lib-shelf-name">{depth === 0 ? shelfTitle(shelf.name) : shelf.name}</span>
        {failure && (
          <span
            className="nw-lib-shelf-failed"
            data-testid="library-shelf-failed"
            role="img"
            aria-label={`${failure.file ?? failure.module} failed to load`}
            title={`${failure.file ?? failure.module} failed to load: ${failure.message}\nThe nodes shown are from its last version that loaded.`}
          >
            ⚠
          </span>
        )}
        <span className="nw-lib-count" aria-label={`${shelf.count} node${shelf.count === 1 ? '' : 's'}`}>
          {shelf.count}
        </span>
      </button>
      {open && (
        <ul className="nw-lib-children">
          {shelf.nodes.map((spec) => (
            <NodeItem key={spec.id} spec={spec} depth={depth + 1} terms={terms} onAdd={onAdd} onRemove={onRemove} />
          ))}
          {shelf.subshelves.map((sub) => (
            <ShelfItem
              key={sub.key}
              shelf={sub}
              depth={depth + 1}
              terms={terms}
              isOpen={isOpen}
              setOpen={setOpen}
              onAdd={onAdd}
            />
          ))}
        </ul>
      )}
    </li>
  );
}

interface NodeItemProps {
  spec: NodeSpec;
  depth: number;
  terms: readonly string[];
  onAdd(nodeId: string): void;
  onRemove?: ((nodeId: string) => void) | undefined;
}

const NodeItem = memo(function NodeItem({ spec, depth, terms, onAdd, onRemove }: NodeItemProps) {
  const desc = shortDescription(spec.description);
  const onDragStart = (e: DragEvent<HTMLDivElement>) => {
    e.dataTransfer.setData(NODE_DRAG_TYPE, spec.id);
    e.dataTransfer.setData('text/plain', spec.id);
    e.dataTransfer.effectAllowed = 'copy';
  };
  return (
    <li className="nw-lib-item">
      <div
        className="nw-lib-node"
        style={{ paddingLeft: 8 + depth * 12 }}
        data-testid="library-node"
        data-node-id={spec.id}
        data-nav=""
        role="button"
        tabIndex={0}
        draggable
        title={`${specTooltip(spec)}\n\nDouble-click or Enter to add; drag onto the canvas.`}
        onDoubleClick={() => onAdd(spec.id)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.repeat) {
            e.preventDefault();
            onAdd(spec.id);
          }
        }}
        onDragStart={onDragStart}
      >
        <span className="nw-lib-node-name">
          {spec.module === 'composites' && (
            <CompositeIcon className="nw-lib-composite-icon" size={11} />
          )}
          <Highlighted text={spec.name} terms={terms} />
        </span>
        {desc && (
          <span className="nw-lib-node-desc">
            <Highlighted text={desc} terms={terms} />
          </span>
        )}
      </div>
      {onRemove && (
        <button
          type="button"
          className="nw-lib-node-remove"
          data-testid="library-remove-composite"
          aria-label={`Delete the composite ${spec.name}`}
          title="Delete this composite's definition (refused while a node uses it)"
          onClick={() => onRemove(spec.id)}
        >
          ✕
        </button>
      )}
    </li>
  );
});

function Highlighted({ text, terms }: { text: string; terms: readonly string[] }) {
  const parts = highlight(text, terms);
  if (parts.length === 1 && !parts[0]?.match) return <>{text}</>;
  return (
    <>
      {parts.map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </>
  );
}
