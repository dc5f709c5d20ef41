// The widget that edits one input's own value, chosen from its JSON Schema (schema.ts).
//
// Values go out through `worker.setInput` (latest-only per input). The worker echoes every
// accepted value as an `input_changed` event; while the user is interacting, or while a
// `set_input` of this input is still in flight (`inputBusy`), the widget shows its local
// value, because those echoes are older than what the user sees.
import { memo, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ChangeEvent, KeyboardEvent } from 'react';
import type { WorkerConn } from '../hooks/useWorker';
import type { InputInfo } from '../protocol/generated';
import { incomingPreview } from '../canvas/incoming';
import { PreviewView } from '../previews/PreviewView';
import { ChoiceEditor, MultiChoiceEditor } from './ChoiceEditor';
import { useHold, useSent, type EditorProps } from './editor';
import { FileEditor } from './FileEditor';
import { widgetForInput, type WidgetSpec } from './schema';
import { TypedPlaceholder } from './TypedPlaceholder';
import {
  buttonLabel,
  formatJson,
  formatNumber,
  formatText,
  nextPress,
  optionIndex,
  optionLabel,
  parseJsonText,
  parseNumberText,
  shownValue,
  sliderPosition,
  sliderValue,
  stepDecimals,
} from './values';
import './widgets.css';

export interface InputWidgetProps {
  worker: WorkerConn;
  uuid: string;
  input: InputInfo;
  /** Node-card size (the inspector shows the roomy version). */
  compact?: boolean;
}

export const InputWidget = memo(function InputWidget({ worker, uuid, input, compact = false }: InputWidgetProps) {
  const { schema, connected } = input;
  const spec = useMemo(() => widgetForInput({ schema, connected }).widget, [schema, connected]);
  const io = input.name;
  const { setInput, inputBusy } = worker;
  const send = useCallback((value: unknown) => setInput(uuid, io, value), [setInput, uuid, io]);
  const busy = useCallback(() => inputBusy(uuid, io), [inputBusy, uuid, io]);
  const cls = `nw-w${compact ? ' nw-w-compact' : ''}`;

  if (connected) {
    const preview = incomingPreview(worker.graph.edges, worker.graph.nodes, uuid, io) ?? input.preview;
    return (
      <div className={`${cls} nw-w-connected`} data-testid="input-widget" data-kind="connected" title="Driven by an edge">
        <span className="nw-w-driven" aria-hidden={compact}>
          ←{compact ? '' : ' driven by edge'}
        </span>
        {compact && <span className="nw-sr-only">driven by edge</span>}
        <div className="nw-w-incoming">
          <PreviewView preview={preview} compact />
        </div>
      </div>
    );
  }

  const props: EditorProps = {
    spec,
    value: shownValue(input, spec),
    send,
    busy,
    label: io,
    compact,
    multiline: isMultiline(schema),
  };
  let editor;
  switch (spec.kind) {
    case 'slider':
      editor = <SliderEditor {...props} />;
      break;
    case 'number':
      editor = <NumberEditor {...props} />;
      break;
    case 'select':
      editor = <SelectEditor {...props} />;
      break;
    case 'checkbox':
      editor = <CheckboxEditor {...props} />;
      break;
    case 'text':
      editor = <TextEditor {...props} />;
      break;
    case 'file':
      editor = <FileEditor {...props} http={worker.http} />;
      break;
    case 'choice':
      editor = <ChoiceEditor {...props} options={inputOptions(input)} />;
      break;
    case 'multichoice':
      editor = <MultiChoiceEditor {...props} options={inputOptions(input)} />;
      break;
    case 'button':
      editor = <ButtonEditor {...props} />;
      break;
    case 'typed':
      editor = <TypedPlaceholder type={input.type} pythonType={spec.pythonType ?? input.type} compact={compact} />;
      break;
    default:
      editor = <JsonEditor {...props} />;
  }
  return (
    <div className={`${cls} nw-w-${spec.kind}`} data-testid="input-widget" data-kind={spec.kind}>
      {editor}
    </div>
  );
});

// --- slider -------------------------------------------------------------------------------

function SliderEditor({ spec, value, send, busy, label, compact }: EditorProps) {
  const [local, setLocal] = useState<number | null>(null);
  const [pressed, setPressed] = useState(false);
  const hold = useHold(busy, pressed);
  const shown = hold && local !== null ? local : sliderPosition(value, spec);
  const min = spec.min ?? 0;
  const max = spec.max ?? 1;

  const release = useRef<(() => void) | null>(null);
  useEffect(() => () => release.current?.(), []);
  const onPointerDown = () => {
    setPressed(true);
    release.current?.();
    // the pointer may be released outside the slider
    const up = () => {
      setPressed(false);
      window.removeEventListener('pointerup', up);
      window.removeEventListener('pointercancel', up);
      release.current = null;
    };
    window.addEventListener('pointerup', up);
    window.addEventListener('pointercancel', up);
    release.current = up;
  };

  const put = (v: number) => {
    setLocal(v);
    send(v);
  };
  const onInput = (e: ChangeEvent<HTMLInputElement>) => {
    const v = sliderValue(e.currentTarget.value, spec);
    if (v !== null) put(v);
  };
  const places = spec.integer ? 0 : Math.max(stepDecimals(spec.step), stepDecimals(spec.min));
  return (
    <>
      <input
        type="range"
        className="nw-w-range nodrag nowheel"
        aria-label={label}
        min={min}
        max={max}
        step={spec.step ?? 'any'}
        value={shown}
        onChange={onInput}
        onPointerDown={onPointerDown}
      />
      <NumberField
        spec={spec}
        value={shown}
        onValue={(v) => {
          if (typeof v === 'number') put(v);
        }}
        label={`${label} value`}
        className="nw-w-slider-num"
        format={(v) => (typeof v === 'number' && !compact ? v.toFixed(places) : formatNumber(v))}
      />
    </>
  );
}

// --- number -------------------------------------------------------------------------------

interface NumberFieldProps {
  spec: WidgetSpec;
  value: unknown;
  onValue(v: number | null): void;
  label: string;
  className: string;
  format?(v: unknown): string;
}

/** A number field: sends each valid entry while typing; invalid or out of range is outlined. */
function NumberField({ spec, value, onValue, label, className, format = formatNumber }: NumberFieldProps) {
  // non-null while the user edits: the field shows the user's text, not the worker's echo
  const [text, setText] = useState<string | null>(null);
  const [badInput, setBadInput] = useState(false);
  const parsed = text === null ? null : parseNumberText(text, spec);
  const invalid = text !== null && (badInput || (parsed !== null && !parsed.ok));
  const commit = (t: string) => {
    const p = parseNumberText(t, spec);
    if (p.ok) onValue(p.value);
  };
  return (
    <input
      type="number"
      className={`${className} nodrag nowheel${invalid ? ' nw-w-invalid' : ''}`}
      aria-label={label}
      aria-invalid={invalid || undefined}
      title={parsed && !parsed.ok ? parsed.error : undefined}
      min={spec.min}
      max={spec.max}
      step={spec.step ?? 'any'}
      value={text ?? format(value)}
      onFocus={() => setText(formatNumber(value))}
      onChange={(e) => {
        const t = e.currentTarget.value;
        // "-" or "1e" on the way to a number: the browser reports "" with badInput
        const bad = e.currentTarget.validity.badInput;
        setText(t);
        setBadInput(bad);
        if (!bad) commit(t);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && text !== null && !badInput) commit(text);
        if (e.key === 'Escape') {
          setText(null);
          e.currentTarget.blur();
        }
      }}
      onBlur={() => {
        if (text !== null && !badInput) commit(text);
        setText(null);
        setBadInput(false);
      }}
    />
  );
}

function NumberEditor({ spec, value, send, busy, label }: EditorProps) {
  const [sent, setSent] = useState<{ v: number | null } | null>(null);
  const hold = useHold(busy, false);
  const shown = hold && sent ? sent.v : value;
  return (
    <NumberField
      spec={spec}
      value={shown}
      onValue={(v) => {
        setSent({ v });
        send(v);
      }}
      label={label}
      className="nw-w-input nw-w-number-input"
    />
  );
}

// --- button (a trigger: a count of presses) ------------------------------------------------

function ButtonEditor({ value, send, busy, label, compact }: EditorProps) {
  // the last press sent: quick presses each count, though the worker has not echoed them yet
  const [sent, remember] = useSent<number>(value, busy);
  const last = useRef<number | null>(null);
  const presses = typeof sent === 'number' && Number.isFinite(sent) ? sent : 0;
  const text = buttonLabel(label);
  return (
    <button
      type="button"
      className="nw-w-press nodrag"
      aria-label={`${text} — run the node again`}
      title={`Run the node again (${label}: pressed ${presses} time${presses === 1 ? '' : 's'})`}
      onClick={() => {
        const next = nextPress(presses, busy() ? last.current : null);
        last.current = next;
        remember(next);
        send(next);
      }}
    >
      <span aria-hidden="true">↻</span> {text}
      {!compact && presses > 0 && <span className="nw-w-press-count">{presses}</span>}
    </button>
  );
}

// --- select / checkbox / text -------------------------------------------------------------

function SelectEditor({ spec, value, send, busy, label }: EditorProps) {
  const [shown, remember] = useSent<unknown>(value, busy);
  const options = spec.options ?? [];
  const index = optionIndex(options, shown);
  const empty = index < 0;
  return (
    <select
      className="nw-w-input nw-w-select-input nodrag nowheel"
      aria-label={label}
      value={empty ? '' : String(index)}
      onChange={(e) => {
        const raw = e.currentTarget.value;
        const v = raw === '' ? null : options[Number(raw)];
        if (raw !== '' && v === undefined) return;
        remember(v);
        send(v);
      }}
    >
      {(spec.nullable || empty) && (
        <option value="" disabled={!spec.nullable}>
          {spec.nullable ? '—' : shown === undefined ? 'choose…' : optionLabel(shown)}
        </option>
      )}
      {options.map((o, i) => (
        <option key={i} value={String(i)}>
          {optionLabel(o)}
        </option>
      ))}
    </select>
  );
}

function CheckboxEditor({ value, send, busy, label, spec }: EditorProps) {
  const [shown, remember] = useSent<boolean>(value, busy);
  const ref = useRef<HTMLInputElement>(null);
  const unset = typeof shown !== 'boolean';
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = unset && spec.nullable;
  }, [unset, spec.nullable]);
  return (
    <label className="nw-w-check nodrag">
      <input
        ref={ref}
        type="checkbox"
        aria-label={label}
        checked={shown === true}
        onChange={(e) => {
          const v = e.currentTarget.checked;
          remember(v);
          send(v);
        }}
      />
      <span className="nw-w-check-text">{unset ? (spec.nullable ? 'None' : 'false') : String(shown)}</span>
    </label>
  );
}

function TextEditor({ value, send, busy, label, compact, multiline }: EditorProps) {
  // non-null while focused (or while the last text is unanswered): echoes never move the caret
  const [text, setText] = useState<string | null>(null);
  const [focused, setFocused] = useState(false);
  const hold = useHold(busy, focused);
  const shown = hold && text !== null ? text : formatText(value);
  const common = {
    'aria-label': label,
    spellCheck: false,
    value: shown,
    onFocus: () => {
      setFocused(true);
      setText(formatText(value));
    },
    onBlur: () => setFocused(false),
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      const t = e.currentTarget.value;
      setText(t);
      send(t);
    },
  };
  if (multiline) {
    const lines = Math.min(compact ? 4 : 10, Math.max(2, shown.split('\n').length));
    return <textarea className="nw-w-input nw-w-textarea nodrag nowheel" rows={lines} {...common} />;
  }
  return <input type="text" className="nw-w-input nw-w-text-input nodrag nowheel" {...common} />;
}

/** The choices the worker sent for a column picker (`options`; absent or malformed is none). */
function inputOptions(input: InputInfo): readonly unknown[] {
  return Array.isArray(input.options) ? input.options : [];
}

/** `x-widget: "textarea"` (or `{"type": "textarea"}`) asks for a text of several lines. */
function isMultiline(schema: Readonly<Record<string, unknown>>): boolean {
  const w = schema['x-widget'];
  if (w === 'textarea') return true;
  return typeof w === 'object' && w !== null && (w as Record<string, unknown>).type === 'textarea';
}

// --- JSON ---------------------------------------------------------------------------------

function JsonEditor({ spec, value, send, busy, label, compact }: EditorProps) {
  // the user's text: kept while focused, while unanswered, and while it does not parse
  const [draft, setDraft] = useState<string | null>(null);
  const [focused, setFocused] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const hold = useHold(busy, focused || error !== null);
  const text = hold && draft !== null ? draft : formatJson(value);
  const errorId = useId();
  const commit = (t: string) => {
    const p = parseJsonText(t, spec.nullable);
    if (!p.ok) {
      setError(p.error);
      return;
    }
    setError(null);
    send(p.value);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      commit(draft ?? text);
    } else if (e.key === 'Escape') {
      setDraft(null);
      setError(null);
      e.currentTarget.blur();
    }
  };
  const lines = Math.min(compact ? 4 : 12, Math.max(compact ? 1 : 3, text.split('\n').length));
  return (
    <>
      <textarea
        className={`nw-w-json-input nodrag nowheel${error ? ' nw-w-invalid' : ''}`}
        aria-label={label}
        aria-invalid={error !== null || undefined}
        aria-describedby={error ? errorId : undefined}
        spellCheck={false}
        rows={lines}
        value={text}
        title="JSON — Ctrl+Enter or leave the field to apply, Esc to revert"
        onFocus={() => {
          setFocused(true);
          if (draft === null || error === null) setDraft(formatJson(value));
        }}
        onChange={(e) => {
          setDraft(e.currentTarget.value);
          if (error) setError(null);
        }}
        onKeyDown={onKeyDown}
        onBlur={(e) => {
          setFocused(false);
          const t = e.currentTarget.value;
          if (t !== formatJson(value)) commit(t);
          else setError(null);
        }}
      />
      {error && (
        <div className="nw-w-error" id={errorId} role="alert">
          {error}
        </div>
      )}
    </>
  );
}
