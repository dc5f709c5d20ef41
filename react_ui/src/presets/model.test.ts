import { describe, expect, it } from 'vitest';
import { RpcError } from '../protocol/client';
import { node } from '../testing/fixtures';
import { migratedText, presetLine, refusalProblems, valueText } from './model';

describe('preset model', () => {
  it('shows a value as node.input = value', () => {
    const nodes = { u1: node('u1', { name: 'Number' }) };
    expect(presetLine({ node: 'u1', io: 'value', value: 21 }, nodes)).toBe('Number.value = 21');
    expect(presetLine({ node: 'abcdef123456', io: 'x', value: 'hi' }, nodes)).toBe('abcdef12….x = "hi"');
    expect(valueText('x'.repeat(100), 10)).toHaveLength(10);
  });

  it('reads the problems of a refusal', () => {
    expect(refusalProblems(new RpcError('invalid_state', 'no', { problems: ['gone'] }))).toEqual(['gone']);
    expect(refusalProblems(new RpcError('invalid_state', 'no'))).toEqual(['no']);
    expect(refusalProblems(new Error('x'))).toBeNull();
  });

  it('says what migrated', () => {
    expect(
      migratedText({
        migrated: [
          { uuid: 'a', from: 'old.id', to: 'new.id' },
          { uuid: 'b', from: 'old.id', to: 'new.id' },
        ],
      }),
    ).toBe('2 nodes migrated: old.id → new.id');
    expect(migratedText({ migrated: [{ uuid: 'a', from: 'v1', to: 'v2' }] })).toBe('1 node migrated: v1 → v2');
    expect(migratedText({ migrated: [] })).toBeNull();
  });
});
