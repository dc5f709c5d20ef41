// The right-hand panel for the selected node: its error with traceback, every input with its
// widget, every output with its preview and full value, and its properties. Follows the live
// graph: recomputed values, status changes and edits from other tabs show up at once.
import { memo, useCallback, useEffect, useId, useMemo, useRef } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import type { WorkerConn } from '../hooks/useWorker';
import type { WorkerHttp } from '../hooks/workerHttp';
import type { InputInfo, NodeErrorInfo, NodeInfo, OutputInfo, ProgressData } from '../protocol/generated';
import { shortJson } from '../previews/format';
import { PreviewView } from '../previews/PreviewView';
import { useToast } from '../ui/toast';
import { InputWidget } from '../widgets/InputWidget';
import { FullValuePanel } from './FullValuePanel';
import { displayName, escapeCloses, formatPosition, otherProperties, sourceLabel } from './inspect';
import { MIN_WIDTH, useInspectorWidth } from './resize';
import { TracebackView } from '../ui/TracebackView';
import './inspector.css';

export interface InspectorProps {
  worker: WorkerConn;
  /** The inspected node. */
  uuid: string;
  onClose(): void;
}

export function Inspector({ worker, uuid, onClose }: InspectorProps) {
  const node = worker.graph.nodes[uuid];
  const progress = worker.graph.progress[uuid] ?? null;
  const panel = useRef<HTMLElement>(null);
  const titleId = useId();
  const resize = useInspectorWidth();
  // another node: start at its top (its sections start closed: NodeDetails is keyed by uuid)
  useEffect(() => {
    if (panel.current) panel.current.scrollTop = 0;
  }, [uuid]);

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    const target = e.target instanceof HTMLElement ? e.target : null;
    if (escapeCloses(target)) {
      e.stopPropagation();
      onClose();
      return;
    }
    // the field takes this Escape (revert, close its list); keep focus in the panel so the
    // next one closes it
    requestAnimationFrame(() => {
      const active = document.activeElement;
      if (panel.current && (active === null || active === document.body)) panel.current.focus({ preventScroll: true });
    });
  };

  return (
    <>
    <div
      className="ins-resize"
      data-testid="inspector-resize"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the inspector"
      aria-valuenow={resize.width}
      aria-valuemin={MIN_WIDTH}
      tabIndex={0}
      title="Drag to resize the inspector"
      onPointerDown={resize.onPointerDown}
      onKeyDown={resize.onKeyDown}
    />
    <aside
      ref={panel}
      className="ins"
      style={{ width: resize.width }}
      data-testid="inspector"
      data-uuid={uuid}
      aria-labelledby={titleId}
      tabIndex={-1}
      onKeyDown={onKeyDown}
    >
      {node ? (
        <NodeDetails key={uuid} worker={worker} node={node} progress={progress} titleId={titleId} onClose={onClose} />
      ) : (
        <>
          <header className="ins-head">
            <div className="ins-title">
              <h2 id={titleId} className="ins-name">
                Node not found
              </h2>
            </div>
            <CloseButton onClose={onClose} />
          </header>
          <p className="pv-muted ins-pad">{worker.graph.loaded ? 'This node no longer exists.' : 'Loading the graph…'}</p>
        </>
      )}
    </aside>
    </>
  );
}

function CloseButton({ onClose }: { onClose(): void }) {
  return (
    <button type="button" className="icon-button ins-close" aria-label="Close inspector" title="Close (Esc)" onClick={onClose}>
      ✕
    </button>
  );
}

interface NodeDetailsProps {
  worker: WorkerConn;
  node: NodeInfo;
  progress: ProgressData | null;
  titleId: string;
  onClose(): void;
}

function NodeDetails({ worker, node, progress, titleId, onClose }: NodeDetailsProps) {
  const name = displayName(node);
  const status = node.status;
  const edges = worker.graph.edges;
  const nodes = worker.graph.nodes;
  return (
    <>
      <header className="ins-head">
        <div className="ins-title">
          <h2 id={titleId} className="ins-name" title={name}>
            {name}
          </h2>
          <div className="ins-sub">
            <code className="ins-node-id" title="Node type">
              {node.node_id}
            </code>
            <span className={`ins-status ins-status-${status}`} data-testid="inspector-status" data-status={status}>
              {status}
            </span>
          </div>
        </div>
        <CloseButton onClose={onClose} />
      </header>
      {status === 'running' && progress && (
        <div className="ins-progress" title={progress.message || undefined}>
          <progress
            value={progress.fraction ?? undefined}
            max={1}
            aria-label={progress.message || 'Progress'}
          />
          {progress.message && <span className="pv-muted">{progress.message}</span>}
        </div>
      )}
      {node.placeholder && (
        <div className="ins-warning" role="note">
          “{node.node_id}” is missing from the library: the node keeps its data but cannot run.
        </div>
      )}
      {node.description && <p className="ins-description">{node.description}</p>}

      {node.error && <ErrorSection error={node.error} />}

      <Section title="Inputs" count={node.inputs.length}>
        {node.inputs.length === 0 && <p className="pv-muted ins-none">No inputs</p>}
        {node.inputs.map((input) => (
          <InputRow
            key={input.name}
            worker={worker}
            uuid={node.uuid}
            input={input}
            source={input.connected ? sourceLabel(edges, nodes, node.uuid, input.name) : null}
          />
        ))}
      </Section>

      <Section title="Outputs" count={node.outputs.length}>
        {node.outputs.length === 0 && <p className="pv-muted ins-none">No outputs</p>}
        {node.outputs.map((output) => (
          <OutputRow key={output.name} http={worker.http} uuid={node.uuid} output={output} nodeName={name} />
        ))}
      </Section>

      <PropertiesSection node={node} />
    </>
  );
}

function Section({ title, count, children }: { title: string; count?: number; children: ReactNode }) {
  const id = useId();
  return (
    <section className="ins-section" aria-labelledby={id}>
      <h3 className="ins-section-title" id={id}>
        {title}
        {count !== undefined && count > 0 && <span className="ins-count">{count}</span>}
      </h3>
      {children}
    </section>
  );
}

// --- error ----------------------------------------------------------------------------------

const ErrorSection = memo(function ErrorSection({ error }: { error: NodeErrorInfo }) {
  const copy = useCopy();
  const traceback = typeof error.traceback === 'string' ? error.traceback.trimEnd() : '';
  return (
    <section className="ins-section ins-error" data-testid="inspector-error" aria-label="Error">
      <div className="ins-error-head">
        <strong className="ins-error-type">{error.type || 'Error'}</strong>
        {traceback && (
          <button type="button" className="icon-button ins-copy" aria-label="Copy traceback" title="Copy traceback" onClick={() => copy(traceback, 'Traceback copied')}>
            <CopyIcon />
          </button>
        )}
      </div>
      <div className="ins-error-message">{error.message}</div>
      {traceback && (
        <TracebackView text={traceback} className="ins-traceback" />
      )}
    </section>
  );
});

// --- inputs and outputs ---------------------------------------------------------------------

interface InputRowProps {
  worker: WorkerConn;
  uuid: string;
  input: InputInfo;
  source: string | null;
}

function InputRow({ worker, uuid, input, source }: InputRowProps) {
  // InputInfo has no description field yet; the JSON Schema's one is the input's docs
  const own = input.description ?? input.schema?.description;
  const description = typeof own === 'string' ? own : '';
  const missing = input.required && !input.connected && !input.has_value;
  return (
    <div className="ins-io" data-testid="inspector-input" data-io={input.name}>
      <div className="ins-io-head">
        <span className="ins-io-name">{input.name}</span>
        <code className="ins-io-type">{input.type}</code>
        {missing && (
          <span className="ins-required" title="A value is needed before the node can run">
            required
          </span>
        )}
        {source && (
          <span className="ins-source" title="Driven by an edge">
            ← {source}
          </span>
        )}
      </div>
      {description && <p className="ins-io-description">{description}</p>}
      <InputWidget worker={worker} uuid={uuid} input={input} />
    </div>
  );
}

interface OutputRowProps {
  http: WorkerHttp | null;
  uuid: string;
  output: OutputInfo;
  nodeName: string;
}

const OutputRow = memo(function OutputRow({ http, uuid, output, nodeName }: OutputRowProps) {
  const description = typeof output.description === 'string' ? output.description : '';
  return (
    <div className="ins-io" data-testid="inspector-output" data-io={output.name}>
      <div className="ins-io-head">
        <span className="ins-io-name">{output.name}</span>
        <code className="ins-io-type">{output.type}</code>
      </div>
      {description && <p className="ins-io-description">{description}</p>}
      <PreviewView preview={output.preview} />
      <FullValuePanel http={http} uuid={uuid} io={output.name} preview={output.preview} nodeName={nodeName} />
    </div>
  );
});

function CopyIcon() {
  return (
    <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <rect x="5" y="5" width="9" height="9" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="M11 5V3.5A1.5 1.5 0 0 0 9.5 2h-6A1.5 1.5 0 0 0 2 3.5v6A1.5 1.5 0 0 0 3.5 11H5" fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}

// --- properties -----------------------------------------------------------------------------

const PropertiesSection = memo(function PropertiesSection({ node }: { node: NodeInfo }) {
  const copy = useCopy();
  const position = formatPosition(node);
  const others = useMemo(() => otherProperties(node.properties), [node.properties]);
  return (
    <Section title="Properties">
      <dl className="ins-props">
        <dt>id</dt>
        <dd className="ins-uuid">
          <code data-testid="inspector-uuid">{node.uuid}</code>
          <button type="button" className="icon-button ins-copy" aria-label="Copy node id" title="Copy node id" onClick={() => copy(node.uuid, 'Node id copied')}>
            <CopyIcon />
          </button>
        </dd>
        <dt>position</dt>
        <dd>
          <code data-testid="inspector-position">{position ?? 'auto'}</code>
        </dd>
        {others.map(([key, value]) => (
          <PropertyRow key={key} name={key} value={value} />
        ))}
      </dl>
    </Section>
  );
});

function PropertyRow({ name, value }: { name: string; value: unknown }) {
  const text = typeof value === 'string' ? value : shortJson(value, 200);
  return (
    <>
      <dt>{name}</dt>
      <dd>
        <code title={text}>{text}</code>
      </dd>
    </>
  );
}

/** Copy text to the clipboard and say so. */
function useCopy(): (text: string, done: string) => void {
  const toast = useToast();
  return useCallback(
    (text: string, done: string) => {
      const clip = typeof navigator !== 'undefined' ? navigator.clipboard : undefined;
      if (!clip) {
        toast.push('The clipboard is not available here', 'error');
        return;
      }
      clip.writeText(text).then(
        () => toast.push(done, 'success'),
        () => toast.push('Could not copy to the clipboard', 'error'),
      );
    },
    [toast],
  );
}
