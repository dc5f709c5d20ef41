import { describe, expect, it } from 'vitest';
import { RpcError } from '../protocol/client';
import { node } from '../testing/fixtures';
import { refusalMessage } from './refusal';

const nodes = { a1: node('a1', { name: 'Number' }), b2: node('b2', { name: 'Add', properties: { name: 'Sum' } }) };

describe('refusalMessage', () => {
  it('names the nodes of a cycle', () => {
    const err = new RpcError('cycle', 'connecting … would close a cycle', { path: ['a1', 'b2', 'a1'] });
    expect(refusalMessage(err, nodes)).toBe('Not connected: the wire would close a cycle (Number → Sum → Number).');
  });

  it('says which types do not fit', () => {
    const err = new RpcError('type_mismatch', 'x', { src_type: 'str', dst_type: 'float' });
    expect(refusalMessage(err, nodes)).toContain('a str output cannot feed a float input');
  });

  it('falls back to the server message and code, and short uuids for unknown nodes', () => {
    expect(refusalMessage(new RpcError('not_found', 'no node z'), nodes)).toBe('Not connected: no node z (not_found)');
    const err = new RpcError('cycle', 'm', { path: ['0123456789abcdef', 'a1'] });
    expect(refusalMessage(err, nodes)).toContain('01234567 → Number');
    expect(refusalMessage(new Error('boom'), nodes)).toBe('boom');
  });
});
