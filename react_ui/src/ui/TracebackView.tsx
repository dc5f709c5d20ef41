// A Python traceback, readable: long lines wrap, the box scrolls past its height, and each run of
// engine frames (nodeweave's own code) is folded into an "N engine frames" toggle, so the frames
// of the user's code stand out. The text stays whole: copying the box copies the traceback.
import { memo, useMemo } from 'react';
import { parseTraceback, tracebackBlocks, type TracebackFrame } from './traceback';
import './traceback.css';

export interface TracebackViewProps {
  text: string;
  className?: string;
  label?: string;
}

export const TracebackView = memo(function TracebackView({ text, className, label = 'Traceback' }: TracebackViewProps) {
  const blocks = useMemo(() => tracebackBlocks(parseTraceback(text)), [text]);
  return (
    <div className={`nw-tb${className ? ` ${className}` : ''}`} tabIndex={0} role="group" aria-label={label} data-testid="traceback-view">
      {blocks.map((b, i) => {
        if (b.kind === 'text') {
          return (
            <pre key={i} className="nw-tb-text">
              {b.text || '\u00a0'}
            </pre>
          );
        }
        if (b.kind === 'frames') return b.frames.map((f, j) => <Frame key={`${i}.${j}`} frame={f} />);
        return (
          <details key={i} className="nw-tb-engine" data-testid="traceback-engine">
            <summary>
              {b.frames.length} engine {b.frames.length === 1 ? 'frame' : 'frames'}
            </summary>
            {b.frames.map((f, j) => (
              <Frame key={j} frame={f} />
            ))}
          </details>
        );
      })}
    </div>
  );
});

function Frame({ frame }: { frame: TracebackFrame }) {
  return (
    <div className={`nw-tb-frame${frame.engine ? ' nw-tb-frame-engine' : ''}`} data-testid="traceback-frame" data-engine={frame.engine ? 'true' : 'false'}>
      <pre className="nw-tb-where" title={frame.file}>
        {'  '}
        {frame.where}
      </pre>
      {frame.code.length > 0 && <pre className="nw-tb-code">{frame.code.map((c) => `    ${c}`).join('\n')}</pre>}
    </div>
  );
}
