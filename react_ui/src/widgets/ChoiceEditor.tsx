// Column pickers (`x-options-from`): the input's choices follow another input's value (a table's
// columns). One value: a combobox (pick from the list or type a name that is not in it yet).
// A list of strings: a multi-select of chips, one per chosen name.
import { useId, useState } from 'react';
import type { EditorProps } from './editor';
import { useHold, useSent } from './editor';
import { formatText } from './values';

export interface ChoiceProps extends EditorProps {
  /** The choices the worker offers now (the input's `options`). */
  options: readonly unknown[];
}

const asText = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));

/** The chosen names of a multi-select value (a list; anything else is no choice). */
export function chosenList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(asText) : [];
}

/** A multi-select's value after toggling `name` (order of the options first, then extras). */
export function toggleChoice(chosen: readonly string[], name: string, options: readonly string[]): string[] {
  const set = new Set(chosen);
  if (set.has(name)) set.delete(name);
  else set.add(name);
  const inOrder = options.filter((o) => set.has(o));
  const extras = chosen.filter((c) => set.has(c) && !options.includes(c));
  if (!chosen.includes(name) && !options.includes(name)) extras.push(name);
  return [...inOrder, ...extras];
}

export function ChoiceEditor({ options, value, send, busy, label, spec }: ChoiceProps) {
  const listId = useId();
  const [text, setText] = useState<string | null>(null);
  const [focused, setFocused] = useState(false);
  const hold = useHold(busy, focused);
  const shown = hold && text !== null ? text : formatText(value);
  const names = options.map(asText);
  const known = names.includes(shown);
  const commit = (t: string) => {
    if (t === formatText(value)) return;
    send(t === '' && spec.nullable ? null : t);
  };
  return (
    <>
      <input
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={focused}
        className={`nw-w-input nw-w-choice-input nodrag nowheel${shown !== '' && !known && names.length > 0 ? ' nw-w-unknown' : ''}`}
        data-testid="choice-input"
        aria-label={label}
        list={listId}
        spellCheck={false}
        placeholder={names.length > 0 ? 'choose…' : `no choices yet${spec.optionsFrom ? ` (from ${spec.optionsFrom})` : ''}`}
        title={shown !== '' && !known && names.length > 0 ? `“${shown}” is not one of the ${names.length} choices` : undefined}
        value={shown}
        onFocus={() => {
          setFocused(true);
          setText(formatText(value));
        }}
        onChange={(e) => {
          const t = e.currentTarget.value;
          setText(t);
          // picked from the list: send at once; typed: on Enter or when leaving the field
          if (names.includes(t)) send(t);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit(e.currentTarget.value);
          if (e.key === 'Escape') {
            setText(null);
            e.currentTarget.blur();
          }
        }}
        onBlur={(e) => {
          setFocused(false);
          if (text !== null && !names.includes(e.currentTarget.value)) commit(e.currentTarget.value);
        }}
      />
      <datalist id={listId} data-testid="choice-options">
        {names.map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
    </>
  );
}

export function MultiChoiceEditor({ options, value, send, busy, label }: ChoiceProps) {
  const [shown, remember] = useSent<string[]>(value, busy);
  const chosen = chosenList(shown);
  const names = options.map(asText);
  const extras = chosen.filter((c) => !names.includes(c));
  const [adding, setAdding] = useState('');
  const toggle = (name: string) => {
    const next = toggleChoice(chosen, name, names);
    remember(next);
    send(next);
  };
  return (
    <div className="nw-w-multi nodrag nowheel" role="group" aria-label={label} data-testid="multichoice">
      {names.length === 0 && extras.length === 0 && <span className="nw-w-none">no choices yet</span>}
      {[...names, ...extras].map((n) => {
        const on = chosen.includes(n);
        return (
          <button
            key={n}
            type="button"
            className={`nw-w-chip${on ? ' nw-w-chip-on' : ''}${names.includes(n) ? '' : ' nw-w-unknown'}`}
            aria-pressed={on}
            data-testid="choice-chip"
            title={names.includes(n) ? n : `“${n}” is not one of the choices`}
            onClick={() => toggle(n)}
          >
            {n}
          </button>
        );
      })}
      <input
        type="text"
        className="nw-w-input nw-w-chip-add"
        aria-label={`${label}: add a name`}
        placeholder="+ name"
        value={adding}
        onChange={(e) => setAdding(e.currentTarget.value)}
        onKeyDown={(e) => {
          const t = adding.trim();
          if (e.key === 'Enter' && t !== '') {
            if (!chosen.includes(t)) toggle(t);
            setAdding('');
          }
        }}
      />
    </div>
  );
}
