// The ports of a composite, beside its inside: the inputs and the outputs in order (the composite
// node's rows follow it) — rename (the instances' wires follow), move up / down, remove — and
// any inner input no wire drives, or inner output, exposed as a new port.
import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import type { CompositeData, CompositePort, NodeInfo } from '../protocol/generated';
import type { NodeSpec } from '../library/tree';
import {
  exposePort,
  innerName,
  innerNodes,
  movePort,
  portCandidates,
  portNameProblem,
  removePort,
  renamePort,
  type PortKind,
} from './model';
import type { DefinitionEdit } from './useInside';

export interface PortsPanelProps {
  def: CompositeData;
  specs: ReadonlyMap<string, NodeSpec>;
  /** The inner nodes as drawn (their ports when the library lacks their type). */
  nodes: Readonly<Record<string, NodeInfo>>;
  /** Apply an edit of the definition; returns why it was refused, else null. */
  edit(fn: DefinitionEdit): string | null;
  onRefused(message: string): void;
}

const KIND_LABEL: Record<PortKind, string> = { inputs: 'Inputs', outputs: 'Outputs' };

export function PortsPanel({ def, specs, nodes, edit, onRefused }: PortsPanelProps) {
  const titleId = useId();
  const names = useMemo(() => new Map(innerNodes(def).map((n) => [n.uuid, innerName(n, specs)])), [def, specs]);
  const candidates = useMemo(() => portCandidates(def, specs, new Map(Object.entries(nodes))), [def, specs, nodes]);
  const run = (fn: DefinitionEdit) => {
    const refused = edit(fn);
    if (refused) onRefused(refused);
  };
  return (
    <aside className="nw-ports" data-testid="ports-panel" aria-labelledby={titleId}>
      <h2 id={titleId} className="nw-ports-title">
        Ports
      </h2>
      <p className="nw-ports-hint">The composite node’s inputs and outputs, in order. Renaming one keeps the wires on it.</p>
      {(['inputs', 'outputs'] as const).map((kind) => (
        <section key={kind} className="nw-ports-group" aria-label={KIND_LABEL[kind]} data-testid={`ports-${kind}`}>
          <h3 className="nw-ports-kind">{KIND_LABEL[kind]}</h3>
          {def[kind].length === 0 ? (
            <p className="nw-ports-none">{kind === 'inputs' ? 'No inputs: the inside takes no value from outside.' : 'No outputs.'}</p>
          ) : (
            <ol className="nw-ports-list">
              {def[kind].map((port, i) => (
                <PortRow
                  key={`${port.node}:${port.io}`}
                  kind={kind}
                  port={port}
                  where={`${names.get(port.node) ?? port.node}.${port.io}`}
                  first={i === 0}
                  last={i === def[kind].length - 1}
                  taken={def[kind].map((p) => p.name)}
                  onRename={(to) => run((d) => renamePort(d, kind, port.name, to))}
                  onMove={(delta) => run((d) => movePort(d, kind, port.name, delta))}
                  onRemove={() => run((d) => removePort(d, kind, port.name))}
                />
              ))}
            </ol>
          )}
        </section>
      ))}
      <Expose candidates={candidates} onExpose={(c) => run((d) => exposePort(d, c.kind, c.node, c.io, specs))} />
    </aside>
  );
}

interface PortRowProps {
  kind: PortKind;
  port: CompositePort;
  /** "Add.b": the inner port it is. */
  where: string;
  first: boolean;
  last: boolean;
  taken: readonly string[];
  onRename(to: string): void;
  onMove(delta: -1 | 1): void;
  onRemove(): void;
}

function PortRow({ kind, port, where, first, last, taken, onRename, onMove, onRemove }: PortRowProps) {
  // the name being typed (null: not editing): saved on Enter or when the field is left
  const [text, setText] = useState<string | null>(null);
  const shown = text ?? port.name;
  const problem = text === null || text === port.name ? null : portNameProblem(text.trim(), taken.filter((n) => n !== port.name));
  const save = () => {
    if (text !== null && text.trim() !== port.name && !problem) onRename(text.trim());
    setText(null);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      save();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setText(null);
    }
  };
  const what = kind === 'inputs' ? 'input' : 'output';
  return (
    <li className="nw-port" data-testid="port" data-kind={kind} data-name={port.name}>
      <input
        className="nw-port-name nokey"
        data-testid="port-name"
        aria-label={`Name of the ${what} ${port.name}`}
        aria-invalid={problem ? true : undefined}
        title={problem ?? 'Rename: type, then Enter'}
        value={shown}
        spellCheck={false}
        onChange={(e) => setText(e.currentTarget.value)}
        onKeyDown={onKeyDown}
        onBlur={save}
      />
      <span className="nw-port-where" title={`The inner ${what} this port is`}>
        {where}
      </span>
      <span className="nw-port-actions">
        <button type="button" className="nw-port-button" data-testid="port-up" disabled={first} aria-label={`Move the ${what} ${port.name} up`} title="Move up" onClick={() => onMove(-1)}>
          ↑
        </button>
        <button type="button" className="nw-port-button" data-testid="port-down" disabled={last} aria-label={`Move the ${what} ${port.name} down`} title="Move down" onClick={() => onMove(1)}>
          ↓
        </button>
        <button
          type="button"
          className="nw-port-button nw-port-remove"
          data-testid="port-remove"
          aria-label={`Remove the ${what} ${port.name}`}
          title={`Remove this ${what} (wires on it outside are dropped; Undo brings them back)`}
          onClick={onRemove}
        >
          ✕
        </button>
      </span>
      {problem && (
        <span className="nw-port-problem" role="alert">
          {problem}
        </span>
      )}
    </li>
  );
}

function Expose({ candidates, onExpose }: { candidates: ReturnType<typeof portCandidates>; onExpose(c: ReturnType<typeof portCandidates>[number]): void }) {
  const [chosen, setChosen] = useState('');
  const fieldId = useId();
  const index = chosen === '' ? -1 : Number(chosen);
  const pick = index >= 0 ? candidates[index] : undefined;
  const ins = candidates.map((c, i) => [c, i] as const).filter(([c]) => c.kind === 'inputs');
  const outs = candidates.map((c, i) => [c, i] as const).filter(([c]) => c.kind === 'outputs');
  return (
    <div className="nw-ports-expose">
      <label className="nw-ports-kind" htmlFor={fieldId}>
        Expose as a port
      </label>
      <div className="nw-ports-expose-row">
        <select id={fieldId} className="nw-ports-select" data-testid="port-expose-select" value={chosen} disabled={candidates.length === 0} onChange={(e) => setChosen(e.currentTarget.value)}>
          <option value="">{candidates.length ? 'choose…' : 'nothing left'}</option>
          {ins.length > 0 && (
            <optgroup label="Inputs (no wire drives them)">
              {ins.map(([c, i]) => (
                <option key={i} value={String(i)}>
                  {c.label}
                </option>
              ))}
            </optgroup>
          )}
          {outs.length > 0 && (
            <optgroup label="Outputs">
              {outs.map(([c, i]) => (
                <option key={i} value={String(i)}>
                  {c.label}
                </option>
              ))}
            </optgroup>
          )}
        </select>
        <button
          type="button"
          className="button"
          data-testid="port-expose"
          disabled={!pick}
          onClick={() => {
            if (!pick) return;
            onExpose(pick);
            setChosen('');
          }}
        >
          Add port
        </button>
      </div>
    </div>
  );
}
