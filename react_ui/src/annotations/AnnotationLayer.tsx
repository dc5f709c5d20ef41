// Groups and notes drawn in the canvas's viewport, behind the cards. A group's title bar drags
// the group and its nodes; the corner resizes; a double-click renames a group or edits a note's
// markdown (Enter / Ctrl+Enter saves, Escape cancels); a group's swatch picks its colour; × removes it.
import { memo, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react';
import { ViewportPortal, useReactFlow } from '@xyflow/react';
import type { XY } from '../state/graph';
import { annotationBox, GROUP_COLORS, MIN_SIZE, type Annotation } from './model';
import { Markdown } from './markdown';
import './annotations.css';

export interface AnnotationHandlers {
  /** While a group is dragged: where its nodes are shown (null: the drag ended or was cancelled). */
  preview(a: Annotation, d: XY | null): void;
  move(a: Annotation, d: XY): Promise<void>;
  update(a: Annotation, changes: Partial<Annotation>, label: string): Promise<void>;
  remove(a: Annotation): void;
}

export interface AnnotationLayerProps {
  annotations: readonly Annotation[];
  handlers: AnnotationHandlers;
}

export function AnnotationLayer({ annotations, handlers }: AnnotationLayerProps) {
  const groups = annotations.filter((a) => a.kind === 'group');
  const notes = annotations.filter((a) => a.kind !== 'group');
  return (
    <ViewportPortal>
      <div className="nw-annotations" data-testid="annotations">
        {[...groups, ...notes].map((a) => (
          <AnnotationView key={a.id} a={a} handlers={handlers} />
        ))}
      </div>
    </ViewportPortal>
  );
}

/** Track a pointer drag in flow units (screen pixels divided by the zoom). */
function useFlowDrag(onMove: (d: XY) => void, onEnd: (d: XY, moved: boolean) => void) {
  const flow = useReactFlow();
  const latest = useRef({ onMove, onEnd });
  latest.current = { onMove, onEnd };
  return (e: ReactPointerEvent) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    const zoom = flow.getZoom() || 1;
    const start = { x: e.clientX, y: e.clientY };
    let d = { x: 0, y: 0 };
    const move = (ev: PointerEvent) => {
      d = { x: (ev.clientX - start.x) / zoom, y: (ev.clientY - start.y) / zoom };
      latest.current.onMove(d);
    };
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      latest.current.onEnd(d, Math.abs(d.x) + Math.abs(d.y) > 2);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
}

const AnnotationView = memo(function AnnotationView({ a, handlers }: { a: Annotation; handlers: AnnotationHandlers }) {
  const box = annotationBox(a);
  const [offset, setOffset] = useState<XY | null>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const [editing, setEditing] = useState(false);
  // the worker's echo replaces what this tab showed meanwhile
  useEffect(() => {
    setOffset(null);
    setSize(null);
  }, [a]);

  const startMove = useFlowDrag(
    (d) => {
      setOffset(d);
      handlers.preview(a, d);
    },
    (d, moved) => {
      if (!moved) {
        setOffset(null);
        handlers.preview(a, null);
        return;
      }
      handlers.move(a, d).catch(() => {
        setOffset(null);
        handlers.preview(a, null);
      });
    },
  );
  const startResize = useFlowDrag(
    (d) => setSize({ width: Math.max(MIN_SIZE.width, box.width + d.x), height: Math.max(MIN_SIZE.height, box.height + d.y) }),
    (d, moved) => {
      if (!moved) return setSize(null);
      const width = Math.round(Math.max(MIN_SIZE.width, box.width + d.x));
      const height = Math.round(Math.max(MIN_SIZE.height, box.height + d.y));
      handlers.update(a, { width, height }, `Resize ${a.kind}`).catch(() => setSize(null));
    },
  );

  const x = box.x + (offset?.x ?? 0);
  const y = box.y + (offset?.y ?? 0);
  const width = size?.width ?? box.width;
  const height = size?.height ?? box.height;
  const color = a.color || undefined;
  const isGroup = a.kind === 'group';

  return (
    <div
      className={`nw-annotation nw-${isGroup ? 'group' : 'note'}`}
      data-testid={isGroup ? 'group' : 'note'}
      data-id={a.id}
      style={{ transform: `translate(${x}px, ${y}px)`, width, height, ...(color ? { ['--nw-annotation-color' as string]: color } : {}) }}
    >
      <div className="nw-annotation-bar nopan nodrag" onPointerDown={startMove} data-testid="annotation-bar">
        {isGroup && editing ? (
          <TitleEditor
            title={a.title ?? ''}
            onDone={(title) => {
              setEditing(false);
              if (title !== null && title !== (a.title ?? '')) void handlers.update(a, { title }, 'Rename group').catch(() => undefined);
            }}
          />
        ) : (
          <span
            className="nw-annotation-title"
            data-testid="annotation-title"
            title={isGroup ? 'Double-click to rename' : undefined}
            onDoubleClick={(e) => {
              e.stopPropagation();
              setEditing(true);
            }}
          >
            {isGroup ? a.title || 'Group' : 'Note'}
          </span>
        )}
        {isGroup && (
          <ColorPicker
            color={a.color ?? ''}
            onPick={(picked) => {
              if (picked !== (a.color ?? '')) void handlers.update(a, { color: picked }, 'Change group colour').catch(() => undefined);
            }}
          />
        )}
        <button
          type="button"
          className="nw-annotation-remove"
          data-testid="annotation-remove"
          aria-label={`Remove ${isGroup ? `group ${a.title ?? ''}` : 'note'}`}
          onPointerDown={(e) => e.stopPropagation()}
          onClick={() => handlers.remove(a)}
        >
          ×
        </button>
      </div>
      {!isGroup &&
        (editing ? (
          <NoteEditor
            text={a.text ?? ''}
            onDone={(text) => {
              setEditing(false);
              if (text !== null && text !== (a.text ?? '')) void handlers.update(a, { text }, 'Edit note').catch(() => undefined);
            }}
          />
        ) : (
          <div className="nw-note-body nopan nodrag" data-testid="note-body" title="Double-click to edit" onDoubleClick={(e) => {
            e.stopPropagation();
            setEditing(true);
          }}>
            <Markdown text={a.text ?? ''} />
          </div>
        ))}
      <div className="nw-annotation-resize nopan nodrag" data-testid="annotation-resize" onPointerDown={startResize} />
    </div>
  );
});

/** The group's colour: a swatch that opens the palette (plus the theme's default, ''). */
function ColorPicker({ color, onPick }: { color: string; onPick(color: string): void }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const escape = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      setOpen(false);
      button.current?.focus();
    };
    window.addEventListener('pointerdown', outside, true);
    window.addEventListener('keydown', escape, true);
    return () => {
      window.removeEventListener('pointerdown', outside, true);
      window.removeEventListener('keydown', escape, true);
    };
  }, [open]);
  // focus the current choice when the palette opens
  const popover = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const current = popover.current?.querySelector<HTMLButtonElement>('[aria-pressed="true"]') ?? popover.current?.querySelector('button');
    current?.focus();
  }, [open]);
  const choices = ['', ...GROUP_COLORS];
  return (
    <span className="nw-annotation-color-wrap" ref={root} onPointerDown={(e) => e.stopPropagation()} onDoubleClick={(e) => e.stopPropagation()}>
      <button
        ref={button}
        type="button"
        className="nw-annotation-color"
        data-testid="annotation-color"
        aria-label="Group colour"
        title="Group colour"
        aria-haspopup="true"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      />
      {open && (
        <div className="nw-annotation-colors nokey" role="group" aria-label="Group colours" data-testid="annotation-colors" ref={popover}>
          {choices.map((c) => (
            <button
              key={c || 'default'}
              type="button"
              className={`nw-annotation-swatch${c ? '' : ' nw-annotation-swatch-default'}`}
              data-testid="annotation-swatch"
              data-color={c}
              aria-label={c ? `Colour ${c}` : 'Default colour'}
              title={c || 'Default colour'}
              aria-pressed={c === color}
              style={c ? { background: c } : undefined}
              onKeyDown={(e) => {
                if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                  e.preventDefault();
                  const all = [...(popover.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
                  const i = all.indexOf(e.currentTarget);
                  all[(i + (e.key === 'ArrowRight' ? 1 : all.length - 1)) % all.length]?.focus();
                }
              }}
              onClick={() => {
                setOpen(false);
                button.current?.focus();
                onPick(c);
              }}
            />
          ))}
        </div>
      )}
    </span>
  );
}

function TitleEditor({ title, onDone }: { title: string; onDone(title: string | null): void }) {
  const [value, setValue] = useState(title);
  const done = useRef(false);
  const finish = (v: string | null) => {
    if (done.current) return;
    done.current = true;
    onDone(v);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === 'Enter') finish(value.trim() || title);
    else if (e.key === 'Escape') finish(null);
  };
  return (
    <input
      className="nw-annotation-title-input nokey"
      data-testid="annotation-title-input"
      autoFocus
      value={value}
      onChange={(e) => setValue(e.target.value)}
      onKeyDown={onKeyDown}
      onPointerDown={(e) => e.stopPropagation()}
      onBlur={() => finish(value.trim() || title)}
    />
  );
}

function NoteEditor({ text, onDone }: { text: string; onDone(text: string | null): void }) {
  const [value, setValue] = useState(text);
  const done = useRef(false);
  const finish = (v: string | null) => {
    if (done.current) return;
    done.current = true;
    onDone(v);
  };
  return (
    <textarea
      className="nw-note-editor nokey nowheel nopan nodrag"
      data-testid="note-editor"
      autoFocus
      value={value}
      onChange={(e) => setValue(e.target.value)}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Escape') finish(null);
        else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) finish(value);
      }}
      onBlur={() => finish(value)}
    />
  );
}
