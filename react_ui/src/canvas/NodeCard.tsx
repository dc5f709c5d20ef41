// A node on the canvas: header (name, status, progress), error with traceback, one row per
// input (handle on the left, widget) and per output (handle on the right, live preview).
import { memo, useCallback, useContext, useEffect, useMemo, useRef } from 'react';
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import type { InputInfo, NodeErrorInfo, NodeInfo, OutputInfo, ProgressData } from '../protocol/generated';
import { PreviewView } from '../previews/PreviewView';
import type { FlowNode } from '../state/graph';
import { InputWidget } from '../widgets/InputWidget';
import {
  ExecutorContext,
  PausedContext,
  PortsContext,
  portKey,
  StreamContext,
  useCardActions,
  useCardWorker,
  useIncoming,
  useNodeInfo,
  useZoomLevel,
} from './context';
import { executorChip, staleRunsLabel, staleRunsOf, STALE_RUNS_TITLE, statusLabel } from '../state/runs';
import { inputLine, previewLine } from './lod';
import { cachedTitle, displayName, ioSignature, isPausedNode, LIVE_TITLE, progressTitle } from './card';
import { isCompositeType } from '../composites/model';
import { CompositeIcon } from '../composites/CompositeIcon';
import { RunButton } from './RunButton';
import { CardTitle } from './CardTitle';
import { TracebackView } from '../ui/TracebackView';

/**
 * React Flow's node component. Drags re-render this shell only; the body is memoised on the
 * node's live NodeInfo (from the NodeStore: a new value re-renders this card, not React Flow).
 */
export const NodeCard = memo(function NodeCard({ id, data, selected }: NodeProps<FlowNode>) {
  const info = useNodeInfo(id, data.info);
  return <CardBody uuid={id} info={info} progress={data.progress} selected={selected} />;
});

interface CardBodyProps {
  uuid: string;
  info: NodeInfo;
  progress: ProgressData | null;
  selected: boolean;
}

const CardBody = memo(function CardBody({ uuid, info, progress, selected }: CardBodyProps) {
  const name = displayName(info);
  const worker = useCardWorker();
  const actions = useCardActions(worker);
  const status = info.status;
  // both change rarely (a safe start ends, the library reloads): cheap for value events
  const paused = useContext(PausedContext);
  const chip = executorChip(useContext(ExecutorContext).get(info.node_id));
  const stream = useContext(StreamContext).has(info.node_id);
  const held = isPausedNode(info);
  const composite = isCompositeType(info.node_id);
  const cached = info.cached === 'memory' || info.cached === 'disk' ? info.cached : null;
  const live = info.live === true && !held;
  const rename = useCallback((name: string) => actions.rename(uuid, name), [actions, uuid]);
  const finishing = staleRunsLabel(staleRunsOf(info));
  // handles moved (node type reloaded with other inputs): React Flow must measure them again
  // (React Flow measures a new node by itself: only later changes need the call)
  const signature = useMemo(() => ioSignature(info), [info]);
  const measured = useRef(signature);
  const updateInternals = useUpdateNodeInternals();
  useEffect(() => {
    if (measured.current === signature) return;
    measured.current = signature;
    updateInternals(uuid);
  }, [signature, uuid, updateInternals]);

  return (
    <div
      className={`nw-card nw-status-${status}${selected ? ' nw-selected' : ''}${info.placeholder ? ' nw-placeholder' : ''}${held ? ' nw-held' : ''}${composite ? ' nw-composite' : ''}`}
      data-testid="node-card"
      data-uuid={uuid}
      data-node-id={info.node_id}
      data-status={status}
      data-paused={held ? 'true' : undefined}
      data-live={live ? 'true' : undefined}
      data-cached={cached ?? undefined}
    >
      <header className="nw-card-head" title={info.description || info.node_id}>
        {composite && (
          <span
            className="nw-card-composite"
            data-testid="node-composite"
            role="img"
            aria-label="Composite node"
            title={actions.openComposite ? 'A composite node: double-click the card (or ⤢) to open it' : 'A composite node'}
          >
            <CompositeIcon />
          </span>
        )}
        <CardTitle uuid={uuid} name={name} worker={worker} rename={rename} />
        {chip && (
          <span className="nw-card-chip" data-testid="node-executor" data-executor={chip.label} title={chip.title}>
            {chip.label}
          </span>
        )}
        {cached && (
          <span className="nw-card-chip nw-card-cached" data-testid="node-cached" data-source={cached} title={cachedTitle(cached)}>
            cached
          </span>
        )}
        {live && (
          <span className="nw-card-live" data-testid="node-live" title={LIVE_TITLE}>
            live
          </span>
        )}
        {held && (
          <span className="nw-card-chip nw-card-held" data-testid="node-paused" title="Paused: the node does not run; it keeps its last value">
            paused
          </span>
        )}
        {info.placeholder && (
          <span
            className="nw-card-missing"
            data-testid="node-placeholder"
            role="img"
            aria-label="Node type missing from the library"
            title={`“${info.node_id}” is missing from the library: the node keeps its data but cannot run`}
          >
            ⚠
          </span>
        )}
        <span className={`nw-badge nw-badge-${status}`} data-testid="node-status" data-status={status}>
          {statusLabel(status, paused)}
        </span>
        {stream && actions.setPaused && !info.placeholder && (
          <PauseToggle uuid={uuid} paused={held} setPaused={actions.setPaused} />
        )}
        {composite && actions.openComposite && (
          <button
            type="button"
            className="nw-card-run nodrag"
            data-testid="node-open-composite"
            title="Open: see and edit the inside"
            aria-label="Open the composite"
            onClick={() => actions.openComposite?.(uuid)}
          >
            <svg width="11" height="11" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
              <path d="M7 1.5h3.5V5M10.5 1.5 6.5 5.5M5 10.5H1.5V7M1.5 10.5l4-4" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
          </button>
        )}
        {actions.runs && !info.placeholder && !held && <RunButton uuid={uuid} status={status} />}
      </header>
      {status === 'running' && progress && (
        <div className="nw-card-progress-row">
          <progress
            className="nw-card-progress"
            data-testid="node-progress"
            max={1}
            value={progress.fraction ?? undefined}
            title={progressTitle(progress)}
            aria-label={progressTitle(progress)}
          />
          <div className="nw-card-progress-text" data-testid="node-progress-text" title={progressTitle(progress)}>
            {progressTitle(progress)}
          </div>
        </div>
      )}
      {finishing && (
        <div className="nw-card-finishing" data-testid="node-finishing" title={STALE_RUNS_TITLE}>
          {finishing}
        </div>
      )}
      {info.placeholder && <div className="nw-card-note">Missing type: {info.node_id}</div>}
      {info.error && <NodeError error={info.error} />}
      <div className="nw-card-io">
        {info.inputs.map((input) => (
          <InputRow key={input.name} uuid={uuid} input={input} />
        ))}
        {info.outputs.map((output) => (
          <OutputRow key={output.name} uuid={uuid} output={output} />
        ))}
        {info.inputs.length === 0 && info.outputs.length === 0 && <div className="nw-card-note">No inputs or outputs</div>}
      </div>
    </div>
  );
});

/** Pause / resume a source (its `paused` property): paused, it stops and keeps its last value. */
function PauseToggle({ uuid, paused, setPaused }: { uuid: string; paused: boolean; setPaused(uuid: string, paused: boolean): void }) {
  const label = paused ? 'Resume: run the source again' : 'Pause: stop the source (its last value stays)';
  return (
    <button
      type="button"
      className={`nw-card-run nodrag nw-card-pause${paused ? ' nw-card-pause-on' : ''}`}
      data-testid="node-pause-toggle"
      aria-pressed={paused}
      aria-label={label}
      title={label}
      onClick={() => setPaused(uuid, !paused)}
    >
      {paused ? (
        <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true" focusable="false">
          <path d="M2.5 1.5v7l6-3.5z" fill="currentColor" />
        </svg>
      ) : (
        <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true" focusable="false">
          <rect x="2" y="1.5" width="2" height="7" rx="0.5" fill="currentColor" />
          <rect x="6" y="1.5" width="2" height="7" rx="0.5" fill="currentColor" />
        </svg>
      )}
    </button>
  );
}

function NodeError({ error }: { error: NodeErrorInfo }) {
  return (
    <div className="nw-card-error" data-testid="node-error" role="alert">
      <div className="nw-card-error-msg">
        {error.type}: {error.message}
      </div>
      {error.traceback && (
        <details className="nw-card-tb nowheel nodrag" data-testid="node-traceback">
          <summary>Traceback</summary>
          <TracebackView text={error.traceback} className="nowheel nodrag" />
        </details>
      )}
    </div>
  );
}

const InputRow = memo(function InputRow({ uuid, input }: { uuid: string; input: InputInfo }) {
  const worker = useCardWorker();
  // a driven input shows what its source output holds now (re-renders this row only)
  const incoming = useIncoming(uuid, input.name);
  const shown = useMemo(
    () => (input.connected && incoming && incoming !== input.preview ? { ...input, preview: incoming } : input),
    [input, incoming],
  );
  const missing = input.required && !input.connected && !input.has_value;
  const zoom = useZoomLevel();
  const port = useContext(PortsContext).get(portKey('in', uuid, input.name));
  return (
    <div
      className={`nw-row nw-row-in${input.connected ? ' nw-connected' : ''}${port !== undefined ? ' nw-row-port' : ''}`}
      data-testid="node-input"
      data-io={input.name}
      data-connected={input.connected ? 'true' : 'false'}
      data-port={port}
    >
      <Handle type="target" position={Position.Left} id={input.name} className="nw-handle nw-handle-in" />
      {port !== undefined && <PortTag kind="in" name={port} />}
      <span className={`nw-io-name${missing ? ' nw-io-missing' : ''}`} title={missing ? `${input.type} — required` : input.type}>
        {input.name}
      </span>
      <div className="nw-io-slot">
        <div className="nw-io-widget">
          <InputWidget worker={worker} uuid={uuid} input={shown} compact />
        </div>
        {zoom === 'far' && <LodLine text={inputLine(input, incoming)} />}
      </div>
    </div>
  );
});

const OutputRow = memo(function OutputRow({ uuid, output }: { uuid: string; output: OutputInfo }) {
  const zoom = useZoomLevel();
  const port = useContext(PortsContext).get(portKey('out', uuid, output.name));
  return (
    <div className={`nw-row nw-row-out${port !== undefined ? ' nw-row-port' : ''}`} data-testid="node-output" data-io={output.name} data-port={port}>
      <div className="nw-out-head">
        <span className="nw-io-name" title={output.type}>
          {output.name}
        </span>
        {port !== undefined && <PortTag kind="out" name={port} />}
        <Handle type="source" position={Position.Right} id={output.name} className="nw-handle nw-handle-out" />
      </div>
      <div className="nw-io-slot">
        <div className="nw-out-preview" data-testid="output-preview">
          <PreviewView preview={output.preview} compact />
        </div>
        {zoom === 'far' && <LodLine text={previewLine(output.preview)} />}
      </div>
    </div>
  );
});

/** Inside a composite: this inner port is the composite's input or output `name`. */
function PortTag({ kind, name }: { kind: 'in' | 'out'; name: string }) {
  const title = kind === 'in' ? `The composite's input “${name}”: its value comes from outside` : `The composite's output “${name}”`;
  return (
    <span className={`nw-port-tag nw-port-tag-${kind}`} data-testid="port-tag" title={title}>
      {kind === 'in' ? `⇢ ${name}` : `${name} ⇢`}
    </span>
  );
}

/** Zoomed out: the row's value as one line, over its widget or preview (which keeps its size). */
function LodLine({ text }: { text: string }) {
  return (
    <div className="nw-lod-line" data-testid="lod-line" aria-hidden="true">
      {text}
    </div>
  );
}
