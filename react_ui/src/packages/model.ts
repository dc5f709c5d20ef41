// Packages and settings of a worker, the pure parts: what a change is called, how its diff reads,
// the error's uv output, the environment-variable rows and their checks.
import { RpcError } from '../protocol/client';
import type { EnvProgressData, LockDiffData, PackageInfo } from '../protocol/generated';

/** A change to a worker's packages (each goes dry run → confirm → applied). */
export type PackageOp =
  | { kind: 'add'; packages: [string, ...string[]] }
  | { kind: 'remove'; packages: [string, ...string[]] }
  /** No names: every package. */
  | { kind: 'upgrade'; packages: string[] }
  | { kind: 'rollback' };

export function opTitle(op: PackageOp): string {
  switch (op.kind) {
    case 'add':
      return `Add ${op.packages.join(', ')}`;
    case 'remove':
      return `Remove ${op.packages.join(', ')}`;
    case 'upgrade':
      return op.packages.length === 0 ? 'Upgrade all packages' : `Upgrade ${op.packages.join(', ')}`;
    case 'rollback':
      return 'Roll back to the previous packages';
  }
}

export interface DiffLine {
  kind: 'added' | 'removed' | 'changed';
  name: string;
  /** "1.2.3", or "1.2.3 → 1.3.0" for a change. */
  text: string;
}

const ver = (v: string | null | undefined) => v ?? '(path or URL)';

/** The diff as lines: added, then changed, then removed, each by name. */
export function diffLines(diff: LockDiffData): DiffLine[] {
  const byName = <T extends { name: string }>(xs: readonly T[]) => [...xs].sort((a, b) => a.name.localeCompare(b.name));
  return [
    ...byName(diff.added).map((p): DiffLine => ({ kind: 'added', name: p.name, text: ver(p.version) })),
    ...byName(diff.changed).map((c): DiffLine => ({ kind: 'changed', name: c.name, text: `${ver(c.from)} → ${ver(c.to)}` })),
    ...byName(diff.removed).map((p): DiffLine => ({ kind: 'removed', name: p.name, text: ver(p.version) })),
  ];
}

export function diffSummary(diff: LockDiffData): string {
  const parts: string[] = [];
  if (diff.added.length) parts.push(`${diff.added.length} added`);
  if (diff.changed.length) parts.push(`${diff.changed.length} changed`);
  if (diff.removed.length) parts.push(`${diff.removed.length} removed`);
  return parts.length ? parts.join(', ') : 'no package changes';
}

/** An error for the panel: its message, and the installer's explanation when there is one. */
export interface OpError {
  code: string | null;
  message: string;
  output: string | null;
}

export function opError(err: unknown): OpError {
  if (err instanceof RpcError) {
    const output = err.details?.['output'];
    return { code: err.code, message: err.message, output: typeof output === 'string' && output.trim() ? output : null };
  }
  return { code: null, message: err instanceof Error ? err.message : String(err), output: null };
}

/** One progress line from an `env_progress` event. */
export function progressLine(p: EnvProgressData): string {
  const pct = typeof p.fraction === 'number' ? ` (${Math.round(Math.max(0, Math.min(1, p.fraction)) * 100)}%)` : '';
  return p.message ? `${p.stage}: ${p.message}${pct}` : `${p.stage}${pct}`;
}

/** Requested packages first, then the rest, each by name. */
export function sortedPackages(packages: readonly PackageInfo[]): PackageInfo[] {
  return [...packages].sort((a, b) => Number(b.requested) - Number(a.requested) || a.name.localeCompare(b.name));
}

/** What the add box holds: one requirement (name, name==1.2, name>=1 …), or null. */
export function requirementOf(text: string): string | null {
  const t = text.trim();
  return t && /^[A-Za-z0-9]/.test(t) ? t : null;
}

/** An environment variable (or secret) name: what the hub accepts. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
export const ENV_NAME_HINT = 'Letters, digits and _, not starting with a digit';

export interface EnvRow {
  /** A stable key for React. */
  rid: number;
  key: string;
  value: string;
}

let nextRid = 1;
export function envRow(key = '', value = ''): EnvRow {
  return { rid: nextRid++, key, value };
}

export function envRows(env: Readonly<Record<string, string>> | undefined): EnvRow[] {
  return Object.entries(env ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => envRow(k, v));
}

/** The rows as an env mapping, or why they cannot be saved. Blank rows are left out. */
export function envOf(rows: readonly EnvRow[]): { env: Record<string, string> } | { error: string } {
  const env: Record<string, string> = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (!key && !row.value) continue;
    if (!ENV_NAME.test(key)) return { error: `“${key}” is not a variable name (${ENV_NAME_HINT.toLowerCase()})` };
    if (key in env) return { error: `${key} is there twice` };
    env[key] = row.value;
  }
  return { env };
}

export function sameEnv(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>> | undefined): boolean {
  const bb = b ?? {};
  const ka = Object.keys(a);
  return ka.length === Object.keys(bb).length && ka.every((k) => bb[k] === a[k]);
}
