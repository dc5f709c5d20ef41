// Protocol shapes for unit tests: an input and a node with sensible defaults.
import type { InputInfo, NodeInfo } from '../protocol/generated';

export function input(name: string, extra: Partial<InputInfo> = {}): InputInfo {
  return {
    name,
    type: 'int',
    schema: { type: 'integer' },
    required: true,
    connected: false,
    preview: { kind: 'empty', type: 'NoValue' },
    has_value: false,
    ...extra,
  };
}

export function node(uuid: string, extra: Partial<NodeInfo> = {}): NodeInfo {
  return {
    uuid,
    node_id: 'bench.add1',
    name: 'add1',
    status: 'idle',
    placeholder: false,
    inputs: [input('a')],
    outputs: [{ name: 'out', type: 'int', schema: { type: 'integer' }, preview: { kind: 'empty', type: 'NoValue' } }],
    properties: {},
    ...extra,
  };
}
