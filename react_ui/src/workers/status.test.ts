import { describe, expect, it } from 'vitest';
import type { WorkerRecord } from '../protocol/generated';
import {
  availableActions,
  displayStatus,
  failureNote,
  parseRequirements,
  pendingKey,
  progressFraction,
  shownStatus,
  UNREACHABLE_LABEL,
  workerSummary,
} from './status';

function rec(fields: Partial<WorkerRecord> = {}): WorkerRecord {
  return { id: 'w', name: 'W', status: 'stopped', ...fields };
}

describe('displayStatus', () => {
  it('is the hub status', () => {
    expect(displayStatus(rec({ status: 'running' }))).toBe('running');
    expect(displayStatus(rec({ status: 'starting', env_error: null }))).toBe('starting');
  });

  it('shows a stopped worker whose environment failed to build as failed', () => {
    expect(displayStatus(rec({ status: 'stopped', env_error: 'pip: no such package' }))).toBe('failed');
    // While it is retried, it is starting.
    expect(displayStatus(rec({ status: 'starting', env_error: 'pip: no such package' }))).toBe('starting');
  });
});

describe('availableActions', () => {
  it.each([
    ['stopped', { start: true, safeStart: false, stop: false, restart: false }],
    ['failed', { start: true, safeStart: true, stop: false, restart: false }],
    ['starting', { start: false, safeStart: false, stop: true, restart: false }],
    ['running', { start: false, safeStart: false, stop: true, restart: true }],
    ['stopping', { start: false, safeStart: false, stop: false, restart: false }],
  ] as const)('%s', (status, expected) => {
    expect(availableActions(status)).toEqual(expected);
  });
});

describe('failureNote', () => {
  it('says nothing for a healthy worker', () => {
    expect(failureNote(rec({ status: 'running' }))).toBeNull();
    expect(failureNote(rec({ status: 'stopped' }))).toBeNull();
  });

  it('gives the reason of a failed worker', () => {
    expect(failureNote(rec({ status: 'failed', error: 'exited with code 1' }))).toEqual({
      text: 'exited with code 1',
      severe: true,
    });
    expect(failureNote(rec({ status: 'failed' }))?.severe).toBe(true);
  });

  it('names the last crash of a worker that restarts', () => {
    expect(failureNote(rec({ status: 'starting', error: 'killed by signal 9' }))).toEqual({
      text: 'Last crash: killed by signal 9',
      severe: false,
    });
  });

  it('explains a failed environment', () => {
    expect(failureNote(rec({ status: 'stopped', env_error: 'ERROR: No matching distribution' }))).toEqual({
      text: 'Its environment could not be built.',
      severe: true,
    });
  });
});

describe('parseRequirements', () => {
  it('takes one requirement per line', () => {
    expect(parseRequirements('numpy\n  pandas>=2 \r\n\n# plotting\nmatplotlib  # for plots\n')).toEqual([
      'numpy',
      'pandas>=2',
      'matplotlib',
    ]);
  });

  it('keeps a URL fragment', () => {
    expect(parseRequirements('git+https://example.org/repo.git#egg=pkg')).toEqual([
      'git+https://example.org/repo.git#egg=pkg',
    ]);
  });

  it('gives nothing for blank text', () => {
    expect(parseRequirements('  \n\n')).toEqual([]);
  });
});

describe('workerSummary', () => {
  it('shows where a running worker listens', () => {
    expect(workerSummary(rec({ status: 'running', port: 8123, pid: 42 }))).toBe('port 8123 · pid 42');
  });

  it('describes the environment otherwise', () => {
    expect(workerSummary(rec({ requirements: ['numpy'], venv: true }))).toBe('venv · 1 package');
    expect(workerSummary(rec({ requirements: ['a', 'b'], venv: true }))).toBe('venv · 2 packages');
    expect(workerSummary(rec({ venv: true }))).toBe('venv');
    expect(workerSummary(rec())).toBe('hub environment');
  });
});

describe('progressFraction', () => {
  it('clamps a known fraction', () => {
    expect(progressFraction({ fraction: 0.5 })).toBe(0.5);
    expect(progressFraction({ fraction: 1.2 })).toBe(1);
    expect(progressFraction({ fraction: -1 })).toBe(0);
  });

  it('is null when the extent is unknown', () => {
    expect(progressFraction({ fraction: null })).toBeNull();
    expect(progressFraction({})).toBeNull();
    expect(progressFraction({ fraction: Number.NaN })).toBeNull();
  });
});

describe('pendingKey', () => {
  it('tells actions and workers apart', () => {
    expect(pendingKey('a', 'start')).not.toBe(pendingKey('a', 'stop'));
    expect(pendingKey('a', 'start')).not.toBe(pendingKey('b', 'start'));
  });
});

describe('shownStatus', () => {
  it('is the live status while connected and unknown while the hub is unreachable', () => {
    const w: WorkerRecord = { id: 'a', name: 'A', status: 'running' };
    expect(shownStatus(w, true)).toEqual({ key: 'running', label: 'running', title: undefined });
    const lost = shownStatus(w, false);
    expect(lost.key).toBe('unknown');
    expect(lost.label).toBe(UNREACHABLE_LABEL);
    expect(lost.title).toContain('running');
  });
});
