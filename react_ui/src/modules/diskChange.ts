// The open module file changed on disk (an editor elsewhere, another tab, git): the worker
// reloads it and says so with a module event. The editor then reads the file again and
// compares: the same text as it holds (its own save, or nothing new) changes nothing; new text
// replaces an unchanged editor's; over unsaved edits it asks — reload, or keep mine.
import type { ModuleEventData } from '../protocol/generated';
import { moduleFile } from './events';

/** The module event says the file `name` may have new text on disk. */
export function touchesFile(event: Pick<ModuleEventData, 'kind' | 'origin' | 'path'>, name: string): boolean {
  return event.kind !== 'removed' && moduleFile(event) === name;
}

export interface EditorText {
  /** The worker's copy as last read or saved. */
  saved: string;
  /** What the editor shows. */
  draft: string;
}

/**
 * What to do with the file's text read from disk: `same` — nothing new; `reload` — show it (no
 * unsaved edits would be lost); `conflict` — the user has unsaved edits and the disk has other
 * text: ask.
 */
export type DiskDecision = 'same' | 'reload' | 'conflict';

export function diskDecision(open: EditorText, disk: string): DiskDecision {
  if (disk === open.saved) return 'same';
  if (open.draft === open.saved || open.draft === disk) return 'reload';
  return 'conflict';
}

/** Reload: the disk's text, no unsaved edits. */
export function reloaded<T extends EditorText>(open: T, disk: string): T {
  return { ...open, saved: disk, draft: disk };
}

/** Keep mine: the edits stay, unsaved against the disk's text (saving overwrites it). */
export function keptMine<T extends EditorText>(open: T, disk: string): T {
  return { ...open, saved: disk };
}
