import { describe, expect, it } from 'vitest';
import { isEngineFile, parseTraceback, tracebackBlocks, type TracebackFrame } from './traceback';

const TB = `Traceback (most recent call last):
  File "/srv/venv/lib/python3.12/site-packages/nodeweave/core/node.py", line 210, in run
    result = await self.func(**kwargs)
             ^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/srv/venv/lib/python3.12/site-packages/nodeweave/core/call.py", line 33, in call
    return fn(*args)
  File "/home/me/state/workers/w/modules/stats.py", line 12, in mean
    return sum(xs) / len(xs)
           ~~~~~~~~^~~~~~~~~
ZeroDivisionError: division by zero
`;

const frames = (text: string): TracebackFrame[] =>
  parseTraceback(text).filter((i): i is TracebackFrame => i.kind === 'frame');

describe('parseTraceback', () => {
  it('reads each frame with its file, line, function and code', () => {
    const [a, b, c] = frames(TB);
    expect(a).toMatchObject({ file: '/srv/venv/lib/python3.12/site-packages/nodeweave/core/node.py', line: 210, func: 'run', engine: true });
    expect(a?.code).toEqual(['result = await self.func(**kwargs)', '         ^^^^^^^^^^^^^^^^^^^^^^^^^']);
    expect(b?.engine).toBe(true);
    expect(c).toMatchObject({ line: 12, func: 'mean', engine: false, where: 'File "/home/me/state/workers/w/modules/stats.py", line 12, in mean' });
    expect(c?.code[0]).toBe('return sum(xs) / len(xs)');
  });

  it('keeps every other line as text, in order', () => {
    const items = parseTraceback(TB);
    expect(items[0]).toEqual({ kind: 'text', text: 'Traceback (most recent call last):' });
    expect(items[items.length - 1]).toEqual({ kind: 'text', text: 'ZeroDivisionError: division by zero' });
    expect(items).toHaveLength(5);
  });

  it('reads chained exceptions, syntax errors and frames without a line', () => {
    const chained = `${TB}\nDuring handling of the above exception, another exception occurred:\n\n${TB}`;
    expect(frames(chained)).toHaveLength(6);
    const syntax = frames('  File "/m/x.py", line 1\n    def (\n        ^\nSyntaxError: invalid syntax');
    expect(syntax[0]).toMatchObject({ line: 1, func: null, code: ['def (', '    ^'] });
    expect(frames('Traceback (most recent call last):\n  File "x.py"')[0]).toMatchObject({ file: 'x.py', line: null, code: [] });
  });
});

describe('isEngineFile', () => {
  it('is nodeweave’s own code, not its shelves nor a user folder named nodeweave', () => {
    expect(isEngineFile('/a/site-packages/nodeweave/worker/runner.py')).toBe(true);
    expect(isEngineFile('C:\\py\\Lib\\site-packages\\nodeweave\\core\\graph.py')).toBe(true);
    expect(isEngineFile('/a/site-packages/nodeweave/cli.py')).toBe(true);
    expect(isEngineFile('/a/site-packages/nodeweave/shelves/numbers.py')).toBe(false);
    expect(isEngineFile('/home/me/nodeweave/analysis.py')).toBe(false);
    expect(isEngineFile('/home/me/.nodeweave/workers/w/modules/core/x.py')).toBe(false);
  });
});

describe('tracebackBlocks', () => {
  it('folds each run of engine frames and keeps user frames out', () => {
    const blocks = tracebackBlocks(parseTraceback(TB));
    expect(blocks.map((b) => (b.kind === 'text' ? 'text' : `${b.kind}:${b.frames.length}`))).toEqual(['text', 'engine:2', 'frames:1', 'text']);
  });

  it('folds nothing when every frame is the engine’s', () => {
    const only = 'Traceback (most recent call last):\n  File "/x/nodeweave/core/a.py", line 1, in f\n    g()\nRuntimeError: boom';
    expect(tracebackBlocks(parseTraceback(only)).map((b) => b.kind)).toEqual(['text', 'frames', 'text']);
  });
});
