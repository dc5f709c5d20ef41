// The system clipboard through `navigator.clipboard`, with an in-memory copy when the browser
// refuses it (no permission, an insecure page): copy and paste then still work in this page.

export interface ClipboardLike {
  writeText(text: string): Promise<void>;
  readText(): Promise<string>;
}

let memory: string | null = null;
/** The last copy never reached the system clipboard: reading it would give older text. */
let systemStale = false;

function system(): ClipboardLike | null {
  const nav = typeof navigator !== 'undefined' ? navigator : undefined;
  return (nav?.clipboard as ClipboardLike | undefined) ?? null;
}

/** Put text on the clipboard (and in memory). True when the system clipboard took it. */
export async function writeClipboard(text: string, clip: ClipboardLike | null = system()): Promise<boolean> {
  memory = text;
  systemStale = true;
  if (!clip) return false;
  try {
    await clip.writeText(text);
    systemStale = false;
    return true;
  } catch {
    return false;
  }
}

/** The clipboard's text; the in-memory copy when the system clipboard cannot be read. */
export async function readClipboard(clip: ClipboardLike | null = system()): Promise<string | null> {
  if (!clip || systemStale) return memory;
  try {
    return await clip.readText();
  } catch {
    return memory;
  }
}

/** For tests. */
export function resetClipboardMemory(): void {
  memory = null;
  systemStale = false;
}
