// A Python traceback as text, parsed into frames so the view can show the user's frames and fold
// the engine's (nodeweave's own code: the scheduler, the worker, …) into "N engine frames".
// Anything that is not a frame (the "Traceback (most recent call last):" head, chained-exception
// notes, the exception itself) is kept as text, in order: no line of the original is lost.

export interface TracebackFrame {
  kind: 'frame';
  /** The `File "…", line N, in f` line, as written (without its indentation). */
  where: string;
  file: string;
  line: number | null;
  func: string | null;
  /** The source line and any `^^^^` marker lines under it (indentation trimmed to the code's). */
  code: string[];
  /** A frame of nodeweave's engine (not a node's or a module's code). */
  engine: boolean;
}

export interface TracebackText {
  kind: 'text';
  text: string;
}

export type TracebackItem = TracebackFrame | TracebackText;

/** What the view shows: text, user frames, or a run of engine frames folded together. */
export type TracebackBlock =
  | TracebackText
  | { kind: 'frames'; frames: TracebackFrame[] }
  | { kind: 'engine'; frames: TracebackFrame[] };

const FRAME = /^(\s*)File "(.*?)"(?:, line (\d+))?(?:, in (.*?))?\s*$/;

// nodeweave's engine: its packages and top-level modules. Its shelves and examples are node
// code a user reads like their own.
const ENGINE_PATH =
  /(?:^|[\\/])nodeweave[\\/](?:(?:core|worker|workermanager|protocol|web|state|hub)[\\/]|(?:__init__|__main__|cli|client)\.py$)/;

/** A path inside nodeweave's engine. */
export function isEngineFile(file: string): boolean {
  return ENGINE_PATH.test(file);
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

export function parseTraceback(text: string): TracebackItem[] {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  const items: TracebackItem[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    const m = FRAME.exec(line);
    if (!m) {
      items.push({ kind: 'text', text: line });
      i += 1;
      continue;
    }
    const indent = (m[1] ?? '').length;
    const file = m[2] ?? '';
    const code: string[] = [];
    i += 1;
    // the frame's source lines are indented deeper than its File line
    while (i < lines.length) {
      const next = lines[i] ?? '';
      if (next.trim() === '' || indentOf(next) <= indent || FRAME.test(next)) break;
      code.push(next);
      i += 1;
    }
    const cut = code.length > 0 ? Math.min(...code.map(indentOf)) : 0;
    items.push({
      kind: 'frame',
      where: line.trim(),
      file,
      line: m[3] ? Number(m[3]) : null,
      func: m[4] ?? null,
      code: code.map((c) => c.slice(cut)),
      engine: isEngineFile(file),
    });
  }
  return items;
}

/**
 * Consecutive frames grouped for the view: user frames as they are, each run of engine frames
 * folded — unless a traceback has no user frame at all, then there is nothing to fold them for.
 */
export function tracebackBlocks(items: readonly TracebackItem[]): TracebackBlock[] {
  const anyUser = items.some((it) => it.kind === 'frame' && !it.engine);
  const blocks: TracebackBlock[] = [];
  for (const it of items) {
    if (it.kind === 'text') {
      blocks.push(it);
      continue;
    }
    const kind = it.engine && anyUser ? 'engine' : 'frames';
    const last = blocks[blocks.length - 1];
    if (last && last.kind === kind) last.frames.push(it);
    else blocks.push({ kind, frames: [it] });
  }
  return blocks;
}
