import { describe, expect, it } from 'vitest';
import type { CompositeData, StateResult } from '../protocol/generated';
import { parseSpec, type NodeSpec } from '../library/tree';
import { node, input } from '../testing/fixtures';
import { portKey } from '../canvas/context';
import {
  addInner,
  compositeClosure,
  compositeDocument,
  compositeFileName,
  compositeIdOf,
  compositeNameProblem,
  composeRenames,
  connectInner,
  disconnectInner,
  exposePort,
  innerNodes,
  insideGraph,
  isCompositeDocument,
  isCompositeType,
  isRefused,
  moveInner,
  movePort,
  portCandidates,
  portNameProblem,
  portTags,
  removeInner,
  removePort,
  renameComposite,
  renameInner,
  renamePort,
  sameDefinition,
  setInnerInput,
  uniquePortName,
} from './model';

const addSpec = parseSpec({
  id: 'numbers.add',
  name: 'Add',
  description: 'The sum a + b.',
  inputs: [
    { name: 'a', type: 'float', schema: { type: 'number' }, required: false, default: 0 },
    { name: 'b', type: 'float', schema: { type: 'number' }, required: false, default: 0 },
  ],
  outputs: [{ name: 'out', type: 'float', schema: { type: 'number' } }],
})!;
const specs = new Map<string, NodeSpec>([['numbers.add', addSpec]]);

// a + 10, then + 100: input a (of i1), output out (of i2)
const DEF: CompositeData = {
  name: 'Add twice',
  description: '',
  nodes: [
    { uuid: 'i1', node_id: 'numbers.add', inputs: { b: 10 }, properties: { position: { x: 0, y: 0 } } },
    { uuid: 'i2', node_id: 'numbers.add', inputs: { b: 100 }, properties: { position: { x: 300, y: 0 } } },
  ],
  edges: [{ src: 'i1', src_io: 'out', dst: 'i2', dst_io: 'a' }],
  inputs: [{ name: 'a', node: 'i1', io: 'a' }],
  outputs: [{ name: 'out', node: 'i2', io: 'out' }],
};

function ok<T>(r: T | { refused: string }): T {
  if (typeof r === 'object' && r !== null && 'refused' in r) throw new Error(r.refused);
  return r as T;
}

describe('composite types', () => {
  it('knows composite node types by their prefix', () => {
    expect(isCompositeType('composite.add-twice')).toBe(true);
    expect(isCompositeType('composite.')).toBe(false);
    expect(isCompositeType('numbers.add')).toBe(false);
    expect(compositeIdOf('composite.add-twice')).toBe('add-twice');
    expect(compositeIdOf('numbers.add')).toBeNull();
  });

  it('renames a definition', () => {
    expect(ok(renameComposite(DEF, ' Plus 110 ')).name).toBe('Plus 110');
    expect(renameComposite(DEF, 'Add twice')).toBe(DEF);
    expect(isRefused(renameComposite(DEF, ' '))).toBe(true);
  });

  it('checks names as the worker does', () => {
    expect(compositeNameProblem('  ')).not.toBeNull();
    expect(compositeNameProblem('x'.repeat(101))).not.toBeNull();
    expect(compositeNameProblem(' Add twice ')).toBeNull();
  });
});

describe('editing the inside', () => {
  it('moves, renames and sets values of inner nodes', () => {
    let d = moveInner(DEF, new Map([['i2', { x: 310.4, y: 20.6 }]]));
    expect(innerNodes(d)[1]?.properties.position).toEqual({ x: 310, y: 21 });
    d = setInnerInput(d, 'i2', 'b', 5);
    expect(innerNodes(d)[1]?.inputs).toEqual({ b: 5 });
    d = renameInner(d, 'i1', ' First ');
    expect(innerNodes(d)[0]?.properties.name).toBe('First');
    d = renameInner(d, 'i1', '');
    expect('name' in innerNodes(d)[0]!.properties).toBe(false);
    expect(innerNodes(DEF)[1]?.inputs).toEqual({ b: 100 }); // never in place
  });

  it('adds and removes nodes; a removed node takes its wires and ports along', () => {
    let d = addInner(DEF, { uuid: 'i3', node_id: 'numbers.add', inputs: {}, properties: { position: { x: 600, y: 0 } } });
    d = ok(connectInner(d, { src: 'i2', src_io: 'out', dst: 'i3', dst_io: 'a' }));
    d = removeInner(d, ['i2']);
    expect(innerNodes(d).map((n) => n.uuid)).toEqual(['i1', 'i3']);
    expect(d.edges).toEqual([]);
    expect(d.outputs).toEqual([]);
    expect(d.inputs).toEqual(DEF.inputs);
  });

  it('connects (replacing the wire into the input), refuses a port input, a loop or a cycle', () => {
    const d = addInner(DEF, { uuid: 'i3', node_id: 'numbers.add', inputs: {}, properties: {} });
    const replaced = ok(connectInner(d, { src: 'i3', src_io: 'out', dst: 'i2', dst_io: 'a' }));
    expect(replaced.edges).toEqual([{ src: 'i3', src_io: 'out', dst: 'i2', dst_io: 'a' }]);
    expect(connectInner(d, { src: 'i1', src_io: 'out', dst: 'i2', dst_io: 'a' })).toBe(d);
    const port = connectInner(d, { src: 'i3', src_io: 'out', dst: 'i1', dst_io: 'a' }, specs);
    expect(isRefused(port) && port.refused).toContain('Add.a is the composite\'s input “a”');
    expect(isRefused(connectInner(d, { src: 'i1', src_io: 'out', dst: 'i1', dst_io: 'b' }))).toBe(true);
    const cycle = connectInner(d, { src: 'i2', src_io: 'out', dst: 'i1', dst_io: 'b' });
    expect(isRefused(cycle) && cycle.refused).toContain('cycle');
    expect(disconnectInner(d, [{ src: 'i1', src_io: 'out', dst: 'i2', dst_io: 'a' }]).edges).toEqual([]);
  });
});

describe('ports', () => {
  it('renames a port, saying so for the instances, and refuses bad or taken names', () => {
    const r = ok(renamePort(DEF, 'inputs', 'a', 'start'));
    expect(r.def.inputs[0]?.name).toBe('start');
    expect(r.renamed).toEqual({ a: 'start' });
    expect(isRefused(renamePort(DEF, 'inputs', 'a', '1st'))).toBe(true);
    expect(isRefused(renamePort(DEF, 'inputs', 'a', 'has space'))).toBe(true);
    const two = ok(exposePort(DEF, 'inputs', 'i2', 'b'));
    const taken = renamePort(two, 'inputs', 'b', 'a');
    expect(isRefused(taken) && taken.refused).toContain('Another port');
    expect(ok(renamePort(DEF, 'inputs', 'a', 'a')).renamed).toEqual({});
  });

  it('exposes unconnected inner ports under names of their own; not driven inputs, not twice', () => {
    let d = ok(exposePort(DEF, 'inputs', 'i2', 'b'));
    expect(d.inputs.map((p) => p.name)).toEqual(['a', 'b']);
    d = ok(exposePort(d, 'inputs', 'i1', 'b', specs));
    expect(d.inputs.map((p) => p.name)).toEqual(['a', 'b', 'Add_b']);
    expect(isRefused(exposePort(d, 'inputs', 'i2', 'a'))).toBe(true); // a wire drives it
    expect(isRefused(exposePort(d, 'inputs', 'i1', 'a'))).toBe(true); // a port already
    d = ok(exposePort(d, 'outputs', 'i1', 'out', specs));
    expect(d.outputs.map((p) => p.name)).toEqual(['out', 'Add_out']);
  });

  it('lists what could be exposed', () => {
    const c = portCandidates(DEF, specs).map((p) => `${p.kind}:${p.label}`);
    expect(c).toEqual(['inputs:Add.b', 'outputs:Add.out', 'inputs:Add.b']);
  });

  it('reorders and removes ports', () => {
    const d = ok(exposePort(DEF, 'inputs', 'i2', 'b'));
    expect(movePort(d, 'inputs', 'b', -1).inputs.map((p) => p.name)).toEqual(['b', 'a']);
    expect(movePort(d, 'inputs', 'b', 1)).toBe(d);
    expect(removePort(d, 'inputs', 'a').inputs.map((p) => p.name)).toEqual(['b']);
  });

  it('makes port names', () => {
    expect(uniquePortName('value', [])).toBe('value');
    expect(uniquePortName('value', ['value', 'value_2'])).toBe('value_3');
    expect(uniquePortName('Read CSV.path', [])).toBe('Read_CSV_path');
    expect(uniquePortName('2x', [])).toBe('_2x');
    expect(portNameProblem('ok_1', [])).toBeNull();
  });

  it('composes renames made one after the other', () => {
    expect(composeRenames({ a: 'b' }, { b: 'c' })).toEqual({ a: 'c' });
    expect(composeRenames({ a: 'b' }, { b: 'a' })).toEqual({});
    expect(composeRenames({ a: 'b' }, { x: 'y' })).toEqual({ a: 'b', x: 'y' });
  });

  it('tags inner rows with their port names', () => {
    const tags = portTags(DEF);
    expect(tags.get(portKey('in', 'i1', 'a'))).toBe('a');
    expect(tags.get(portKey('out', 'i2', 'out'))).toBe('out');
  });
});

describe('insideGraph', () => {
  it('draws the definition before the inside has run: idle, values from the definition', () => {
    const g = insideGraph(DEF, null, specs);
    expect(g.order).toEqual(['i1', 'i2']);
    const i2 = g.nodes.i2!;
    expect(i2.status).toBe('idle');
    expect(i2.name).toBe('Add');
    expect(i2.inputs.map((i) => [i.name, i.connected, i.has_value, i.value])).toEqual([
      ['a', true, false, null],
      ['b', false, true, 100],
    ]);
    expect(g.nodes.i1?.inputs[0]?.connected).toBe(true); // a port: its value comes from outside
    expect(Object.keys(g.edges)).toHaveLength(1);
  });

  it("takes statuses and values from the instance's inside; the definition's edits win", () => {
    const state: StateResult = {
      nodes: [
        node('i1', { node_id: 'numbers.add', status: 'done', inputs: [input('a', { has_value: true, value: 3, preview: { kind: 'json', type: 'int', value: 3 } })] }),
        node('i2', {
          node_id: 'numbers.add',
          status: 'done',
          cached: 'memory',
          inputs: [input('b', { has_value: true, value: 100, preview: { kind: 'json', type: 'int', value: 100 } })],
          outputs: [{ name: 'out', type: 'float', schema: {}, preview: { kind: 'json', type: 'int', value: 113 } }],
        }),
      ],
      edges: [],
    };
    let g = insideGraph(DEF, state, specs);
    expect(g.nodes.i2?.status).toBe('done');
    expect(g.nodes.i2?.cached).toBe('memory');
    expect(g.nodes.i2?.outputs[0]?.preview).toEqual({ kind: 'json', type: 'int', value: 113 });
    expect(g.nodes.i1?.inputs.find((i) => i.name === 'a')?.preview).toEqual({ kind: 'json', type: 'int', value: 3 });
    g = insideGraph(setInnerInput(DEF, 'i2', 'b', 7), state, specs);
    const b = g.nodes.i2?.inputs.find((i) => i.name === 'b');
    expect([b?.value, b?.preview]).toEqual([7, { kind: 'json', type: 'float', value: 7 }]);
  });

  it('shows a node whose type is missing as a placeholder', () => {
    const d = addInner(DEF, { uuid: 'x', node_id: 'gone.node', inputs: {}, properties: {} });
    expect(insideGraph(d, null, specs).nodes.x?.placeholder).toBe(true);
  });
});

describe('sameDefinition', () => {
  it('compares what definitions say, not their key order', () => {
    const shuffled = JSON.parse(JSON.stringify({ outputs: DEF.outputs, inputs: DEF.inputs, edges: DEF.edges, nodes: DEF.nodes, description: '', name: DEF.name })) as CompositeData;
    expect(sameDefinition(DEF, shuffled)).toBe(true);
    expect(sameDefinition(DEF, setInnerInput(DEF, 'i2', 'b', 100))).toBe(true);
    expect(sameDefinition(DEF, setInnerInput(DEF, 'i2', 'b', 101))).toBe(false);
  });
});

describe('export', () => {
  const inner: CompositeData = { ...DEF, name: 'Inner' };
  const outer: CompositeData = {
    ...DEF,
    name: 'Outer',
    nodes: [...DEF.nodes, { uuid: 'c', node_id: 'composite.inner', inputs: {}, properties: {} }],
  };
  const defs = { inner, outer, other: { ...DEF, name: 'Other' } };

  it('carries the definition and the composites it uses', () => {
    expect(compositeClosure('outer', defs)).toEqual(['outer', 'inner']);
    const doc = compositeDocument('outer', defs);
    expect(doc).toEqual({ schema_version: 1, nodes: [], edges: [], composites: { outer, inner } });
    expect(isCompositeDocument(doc)).toBe(true);
    expect(isCompositeDocument({ schema_version: 1, nodes: [{}], edges: [], composites: { outer } })).toBe(false);
    expect(isCompositeDocument({ schema_version: 1, nodes: [], edges: [] })).toBe(false);
  });

  it('names the file after the id', () => {
    expect(compositeFileName('add-twice')).toBe('add-twice.composite.json');
    expect(compositeFileName('../x y')).toBe('..-x-y.composite.json');
  });
});
