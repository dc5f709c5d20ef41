// Presets as the panel shows them: a value as `node.input = value`, a refusal's problems, and
// the migration notices (`nodes_migrated`, `node_rebound` with `migrated`) as toast text. Pure.
import type { NodeInfo, NodesMigratedData } from '../protocol/generated';
import { RpcError } from '../protocol/client';

/** A value in a line: JSON, cut short. */
export function valueText(value: unknown, max = 60): string {
  let text: string;
  try {
    text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `number.value = 21` (the node's name, or its uuid's start when it is gone). */
export function presetLine(v: { node: string; io: string; value: unknown }, nodes: Readonly<Record<string, NodeInfo>>): string {
  const n = nodes[v.node];
  const name = n ? n.name : `${v.node.slice(0, 8)}…`;
  return `${name}.${v.io} = ${valueText(v.value)}`;
}

/** The problems a refused `apply_preset` names (details.problems), else its message. */
export function refusalProblems(err: unknown): string[] | null {
  if (!(err instanceof RpcError) || err.code !== 'invalid_state') return null;
  const p = err.details?.problems;
  if (Array.isArray(p) && p.every((x): x is string => typeof x === 'string')) return p;
  return [err.message];
}

/** "2 nodes migrated: old.id → new.id" (distinct migrations, in order). */
export function migratedText(data: NodesMigratedData): string | null {
  const seen: string[] = [];
  for (const m of data.migrated) {
    const from = typeof m.from === 'string' ? m.from : null;
    const to = typeof m.to === 'string' ? m.to : null;
    const text = from && to ? `${from} → ${to}` : (from ?? to);
    if (text && !seen.includes(text)) seen.push(text);
  }
  const n = data.migrated.length;
  if (n === 0) return null;
  const head = `${n} node${n === 1 ? '' : 's'} migrated`;
  return seen.length ? `${head}: ${seen.join(', ')}` : head;
}

/** A preset name as typed: trimmed; null when empty. */
export function presetName(text: string): string | null {
  const t = text.trim();
  return t ? t : null;
}
