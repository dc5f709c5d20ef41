// The generated types match docs/protocol.schema.json, and the drift check works.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, PROTOCOL_VERSION } from './generated';

const root = resolve(__dirname, '../..');
const schema = JSON.parse(readFileSync(resolve(root, '../docs/protocol.schema.json'), 'utf8')) as {
  protocol_version: number;
  error_codes: Record<string, string>;
  $defs: Record<string, unknown>;
  worker: { commands: Record<string, unknown>; events: Record<string, unknown> };
  hub: { commands: Record<string, unknown>; events: Record<string, unknown> };
};
const generated = readFileSync(resolve(__dirname, 'generated.ts'), 'utf8');

function block(name: string): string {
  const m = new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(generated);
  if (!m?.[1]) throw new Error(`no ${name}`);
  return m[1];
}

function keys(body: string): string[] {
  return [...body.matchAll(/^ {2}([A-Za-z_$][\w$]*):/gm)].map((m) => m[1] ?? '').sort();
}

describe('generated protocol types', () => {
  it('declare every $defs model', () => {
    for (const name of Object.keys(schema.$defs)) {
      expect(generated).toMatch(new RegExp(`export (interface|type) ${name}\\b`));
    }
  });

  it('have command and event maps matching the schema', () => {
    expect(keys(block('WorkerCommands'))).toEqual(Object.keys(schema.worker.commands).sort());
    expect(keys(block('WorkerEvents'))).toEqual(Object.keys(schema.worker.events).sort());
    expect(keys(block('HubCommands'))).toEqual(Object.keys(schema.hub.commands).sort());
    expect(keys(block('HubEvents'))).toEqual(Object.keys(schema.hub.events).sort());
  });

  it('carry the protocol version and error codes', () => {
    expect(PROTOCOL_VERSION).toBe(schema.protocol_version);
    expect(ERROR_CODES).toEqual(schema.error_codes);
  });

  it('--check passes on a fresh file and fails after an edit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nw-gen-'));
    try {
      const out = join(dir, 'generated.ts');
      const script = resolve(root, 'scripts/gen-types.mjs');
      execFileSync(process.execPath, [script, '--out', out]);
      expect(readFileSync(out, 'utf8')).toBe(generated); // deterministic, and what is committed
      expect(spawnSync(process.execPath, [script, '--check', '--out', out]).status).toBe(0);
      writeFileSync(out, readFileSync(out, 'utf8') + '// edited\n');
      const drift = spawnSync(process.execPath, [script, '--check', '--out', out], { encoding: 'utf8' });
      expect(drift.status).toBe(1);
      expect(drift.stderr).toContain('out of date');
      rmSync(out);
      expect(spawnSync(process.execPath, [script, '--check', '--out', out]).status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
