// A collapsible JSON tree: keys, values coloured by type, containers opened on demand and
// listing a page of children at a time. Keyboard: arrows move and open/close, Enter toggles.
import { memo, useCallback, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { ellipsis, formatCount, formatNumber } from './format';
import { containerBadge, flattenTree, treeKeyTarget, TREE_PAGE, type TreeRow, type TreeView } from './tree';

export interface JsonTreeProps {
  value: unknown;
  /** Accessible name of the tree. */
  label?: string;
  testId?: string;
}

const MAX_ROWS = 5000;
const STRING_CHARS = 2000;

export const JsonTree = memo(function JsonTree({ value, label = 'JSON value', testId = 'json-tree' }: JsonTreeProps) {
  const [view, setView] = useState<TreeView>(() => ({ expanded: new Map(), shown: new Map() }));
  const [focus, setFocus] = useState(0);
  const rowsRef = useRef<HTMLDivElement>(null);
  const rows = useMemo(() => flattenTree(value, view, TREE_PAGE, MAX_ROWS), [value, view]);
  const at = Math.min(focus, Math.max(0, rows.length - 1));

  const toggle = useCallback((row: TreeRow, open?: boolean) => {
    if (row.kind === 'more') {
      setView((v) => ({ ...v, shown: new Map(v.shown).set(row.parent, row.shown + TREE_PAGE) }));
      return;
    }
    if (row.type !== 'array' && row.type !== 'object') return;
    const next = open ?? !row.expanded;
    if (next === row.expanded) return;
    setView((v) => ({ ...v, expanded: new Map(v.expanded).set(row.path, next) }));
  }, []);

  const focusRow = (i: number) => {
    setFocus(i);
    const el = rowsRef.current?.querySelector<HTMLElement>(`[data-row="${i}"]`);
    el?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const row = rows[at];
    if (!row) return;
    let handled = true;
    if (e.key === 'Enter' || e.key === ' ') toggle(row);
    else if (e.key === 'ArrowRight' && row.kind === 'node' && !row.expanded && row.count > 0) toggle(row, true);
    else if (e.key === 'ArrowLeft' && row.kind === 'node' && row.expanded) toggle(row, false);
    else {
      const target = treeKeyTarget(rows, at, e.key);
      if (target === null) handled = e.key.startsWith('Arrow') || e.key === 'Home' || e.key === 'End';
      else focusRow(target);
    }
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  return (
    <div className="pv-tree" role="tree" aria-label={label} data-testid={testId} ref={rowsRef} onKeyDown={onKeyDown}>
      {rows.map((row, i) => (
        <Row key={row.path} row={row} i={i} focused={i === at} onToggle={toggle} onFocus={setFocus} />
      ))}
      {rows.length >= MAX_ROWS && <div className="pv-muted pv-tree-note">Showing the first {formatCount(MAX_ROWS)} rows — close some nodes to see more.</div>}
    </div>
  );
});

interface RowProps {
  row: TreeRow;
  i: number;
  focused: boolean;
  onToggle(row: TreeRow): void;
  onFocus(i: number): void;
}

const Row = memo(function Row({ row, i, focused, onToggle, onFocus }: RowProps) {
  const indent = { paddingLeft: `${row.depth * 14 + 4}px` };
  if (row.kind === 'more') {
    return (
      <div
        role="treeitem"
        aria-level={row.depth + 1}
        tabIndex={focused ? 0 : -1}
        data-row={i}
        className="pv-tree-row pv-tree-more"
        style={indent}
        onClick={() => onToggle(row)}
        onFocus={() => onFocus(i)}
      >
        <span className="pv-tree-twisty" aria-hidden />… {formatCount(row.remaining)} more
      </div>
    );
  }
  const container = row.type === 'array' || row.type === 'object';
  const openable = container && row.count > 0;
  return (
    <div
      role="treeitem"
      aria-level={row.depth + 1}
      aria-expanded={openable ? row.expanded : undefined}
      tabIndex={focused ? 0 : -1}
      data-row={i}
      data-path={row.path}
      className={`pv-tree-row${openable ? ' pv-tree-openable' : ''}`}
      style={indent}
      onClick={openable ? () => onToggle(row) : undefined}
      onFocus={() => onFocus(i)}
    >
      <span className="pv-tree-twisty" aria-hidden>
        {openable ? (row.expanded ? '▾' : '▸') : ''}
      </span>
      {row.key !== null && (
        <>
          <span className={row.index ? 'pv-tree-index' : 'pv-tree-key'}>{row.key}</span>
          <span className="pv-tree-colon">: </span>
        </>
      )}
      {container ? (
        <span className="pv-tree-badge">{containerBadge(row.type, row.count)}</span>
      ) : (
        <Leaf value={row.value} />
      )}
    </div>
  );
});

function Leaf({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="pv-t-null">null</span>;
  if (typeof value === 'number') return <span className="pv-t-number">{formatNumber(value)}</span>;
  if (typeof value === 'boolean') return <span className="pv-t-boolean">{String(value)}</span>;
  const text = String(value);
  return <span className="pv-t-string">{JSON.stringify(ellipsis(text, STRING_CHARS))}</span>;
}
