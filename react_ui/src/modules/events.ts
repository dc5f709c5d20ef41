// Module events (`module_loaded/reloaded/failed/removed`) as the UI reports them, and the
// worker's modules as the library marks them. Pure, tested without a DOM.
import type { ModuleEventData, ModuleInfo } from '../protocol/generated';
import type { ToastKind } from '../ui/toast';

export type ModuleEventName = 'module_loaded' | 'module_reloaded' | 'module_failed' | 'module_removed';
export const MODULE_EVENTS: readonly ModuleEventName[] = ['module_loaded', 'module_reloaded', 'module_failed', 'module_removed'];

/** The file of a module of the worker's `modules/` folder ("mynodes.py"); null for others. */
export function moduleFile(m: Pick<ModuleEventData, 'origin' | 'path'>): string | null {
  if (m.origin !== 'file' || !m.path) return null;
  const name = m.path.split(/[\\/]/).pop() ?? '';
  return /^[A-Za-z_][A-Za-z0-9_]*\.py$/.test(name) ? name : null;
}

function nodes(n: number): string {
  return `${n} node${n === 1 ? '' : 's'}`;
}

/** "2 nodes not loaded" (a module's `skipped`). */
export function skippedText(n: number): string {
  return `${nodes(n)} not loaded`;
}

function skippedSuffix(data: Pick<ModuleEventData, 'skipped'>): string {
  const n = data.skipped?.length ?? 0;
  return n > 0 ? ` (${skippedText(n)})` : '';
}

/** "SyntaxError: invalid syntax" → with its line when the worker knows it. */
export function failureText(data: Pick<ModuleEventData, 'message' | 'line'>): string {
  const message = (data.message ?? '').trim() || 'the import failed';
  return typeof data.line === 'number' && !message.includes(`line ${data.line}`) ? `${message} (line ${data.line})` : message;
}

/** Whether a module event is worth a toast when it arrives: an installed package or a built-in
 * shelf loading is the library filling (it loads when the worker first needs it — often as this
 * page opens it), not news; its failures, and every change of a module file, are. */
export function toastsOnArrival(data: Pick<ModuleEventData, 'kind' | 'origin'>): boolean {
  return data.kind !== 'loaded' || data.origin === 'file';
}

export interface ModuleToast {
  kind: ToastKind;
  message: string;
  /** The traceback of a failed import. */
  details?: string;
}

export function moduleToast(data: ModuleEventData): ModuleToast {
  const name = moduleFile(data) ?? data.module;
  switch (data.kind) {
    case 'loaded':
      return { kind: 'success', message: `Module ${name} loaded: ${nodes(data.node_ids.length)}${skippedSuffix(data)}` };
    case 'reloaded':
      return { kind: 'success', message: `Module ${name} reloaded: ${nodes(data.node_ids.length)}${skippedSuffix(data)}` };
    case 'removed':
      return { kind: 'info', message: `Module ${name} removed${data.node_ids.length ? `: ${nodes(data.node_ids.length)} gone from the library` : ''}` };
    case 'failed': {
      const kept = data.node_ids.length ? ` — its previous ${nodes(data.node_ids.length)} keep serving` : '';
      const out: ModuleToast = { kind: 'error', message: `Module ${name} failed to load: ${failureText(data)}${kept}` };
      if (data.traceback) out.details = data.traceback;
      return out;
    }
  }
}

/** A module whose last import failed, as the library shows it. */
export interface FailedModule {
  module: string;
  file: string | null;
  message: string;
  /** The shelves its previous version still fills (empty when it never loaded). */
  shelves: readonly string[];
}

export function failedModules(modules: readonly ModuleInfo[] | null): FailedModule[] {
  return (modules ?? [])
    .filter((m) => m.status === 'failed')
    .map((m) => ({
      module: m.name,
      file: moduleFile(m),
      message: (m.error ?? '').trim() || 'the import failed',
      shelves: m.shelves,
    }));
}

/** Top-level shelf name → the failure of a module that fills it. */
export function failedShelves(failed: readonly FailedModule[]): ReadonlyMap<string, FailedModule> {
  const out = new Map<string, FailedModule>();
  for (const f of failed) for (const shelf of f.shelves) if (!out.has(shelf)) out.set(shelf, f);
  return out;
}
