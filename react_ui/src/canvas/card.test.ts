import { describe, expect, it } from 'vitest';
import type { InputInfo, OutputInfo } from '../protocol/generated';
import type { WorkerConn } from '../hooks/useWorker';
import { displayName, ioSignature, progressTitle } from './card';
import { stableWorker } from './context';

const inp = (name: string) => ({ name }) as InputInfo;
const out = (name: string) => ({ name }) as OutputInfo;

describe('displayName', () => {
  it('uses properties.name when the user named the node', () => {
    expect(displayName({ name: 'add1', properties: { name: 'offset' } })).toBe('offset');
  });

  it('falls back to the type name for a missing, blank or non-string name', () => {
    expect(displayName({ name: 'add1', properties: {} })).toBe('add1');
    expect(displayName({ name: 'add1', properties: { name: '  ' } })).toBe('add1');
    expect(displayName({ name: 'add1', properties: { name: 3 } })).toBe('add1');
  });
});

describe('ioSignature', () => {
  it('changes when handles are added, removed or renamed, not otherwise', () => {
    const a = ioSignature({ inputs: [inp('x'), inp('y')], outputs: [out('out')] });
    expect(ioSignature({ inputs: [inp('x'), inp('y')], outputs: [out('out')] })).toBe(a);
    expect(ioSignature({ inputs: [inp('x')], outputs: [out('y'), out('out')] })).not.toBe(a);
    expect(ioSignature({ inputs: [inp('x'), inp('z')], outputs: [out('out')] })).not.toBe(a);
  });
});

describe('progressTitle', () => {
  it('combines percentage and message', () => {
    expect(progressTitle({ fraction: 0.425, message: 'rows' })).toBe('43% — rows');
    expect(progressTitle({ fraction: null, message: 'waiting for disk' })).toBe('waiting for disk');
    expect(progressTitle({ fraction: 1, message: '' })).toBe('100%');
    expect(progressTitle({ fraction: null, message: '' })).toBe('running');
  });
});

describe('stableWorker', () => {
  it('reads the latest connection on every access', () => {
    const calls: unknown[] = [];
    let current = {
      state: 'open',
      setInput: (...args: unknown[]) => calls.push(['first', ...args]),
      inputBusy: () => false,
    } as unknown as WorkerConn;
    const w = stableWorker(() => current);
    expect(w.state).toBe('open');
    current = {
      state: 'waiting',
      setInput: (...args: unknown[]) => calls.push(['second', ...args]),
      inputBusy: () => true,
    } as unknown as WorkerConn;
    expect(w.state).toBe('waiting');
    w.setInput('n1', 'a', 3);
    expect(calls).toEqual([['second', 'n1', 'a', 3]]);
    expect(w.inputBusy('n1', 'a')).toBe(true);
  });
});
