import { describe, expect, it } from 'vitest';
import { parseShelves } from '../library/tree';
import { compatiblePort, paletteEntries, typesCompatible, type LooseWire } from './compat';

const io = (name: string, type: string) => ({ name, type, schema: {}, description: '', required: true });
const shelves = parseShelves([
  {
    name: 'numbers',
    nodes: [
      { id: 'numbers.add', name: 'Add', inputs: [io('a', 'float'), io('b', 'float')], outputs: [io('out', 'float')] },
      { id: 'numbers.integer', name: 'Integer', inputs: [io('value', 'int')], outputs: [io('out', 'int')] },
    ],
    subshelves: [
      {
        name: 'tables',
        nodes: [{ id: 'tables.head', name: 'Head', inputs: [io('df', 'DataFrame'), io('n', 'int')], outputs: [io('out', 'DataFrame')] }],
      },
    ],
  },
  { name: 'text', nodes: [{ id: 'text.upper', name: 'Upper case', inputs: [io('text', 'str')], outputs: [io('out', 'str')] }] },
]);

describe('port compatibility', () => {
  it('matches equal types, widening numbers, unions, generics and Any', () => {
    expect(typesCompatible('int', 'int')).toBe(true);
    expect(typesCompatible('int', 'float')).toBe(true);
    expect(typesCompatible('float', 'int')).toBe(false);
    expect(typesCompatible('str', 'int | str')).toBe(true);
    expect(typesCompatible('int', 'Optional[int]')).toBe(true);
    expect(typesCompatible('list[str]', 'list')).toBe(true);
    expect(typesCompatible('pandas.DataFrame', 'DataFrame')).toBe(true);
    expect(typesCompatible('DataFrame', 'Any')).toBe(true);
    expect(typesCompatible('str', 'DataFrame')).toBe(false);
  });

  it('finds the new node’s port on the other side of the wire', () => {
    const [head] = paletteEntries(shelves, 'head', null);
    expect(head).toBeDefined();
    const fromOutput: LooseWire = { uuid: 'n', io: 'out', side: 'source', type: 'int' };
    expect(compatiblePort(head!.spec, fromOutput)?.name).toBe('n');
    const fromInput: LooseWire = { uuid: 'n', io: 'df', side: 'target', type: 'DataFrame' };
    expect(compatiblePort(head!.spec, fromInput)?.name).toBe('out');
  });
});

describe('palette entries', () => {
  it('searches like the library, names starting with the query first', () => {
    expect(paletteEntries(shelves, '', null).map((e) => e.spec.id)).toEqual(['numbers.add', 'numbers.integer', 'tables.head', 'text.upper']);
    expect(paletteEntries(shelves, 'upper', null).map((e) => e.spec.id)).toEqual(['text.upper']);
    expect(paletteEntries(shelves, 'in', null).map((e) => e.spec.id)[0]).toBe('numbers.integer');
  });

  it('a wire keeps only node types with a fitting port, and names that port', () => {
    const wire: LooseWire = { uuid: 'n', io: 'out', side: 'source', type: 'str' };
    expect(paletteEntries(shelves, '', wire)).toEqual([expect.objectContaining({ port: 'text' })]);
    const df: LooseWire = { uuid: 'n', io: 'out', side: 'source', type: 'DataFrame' };
    expect(paletteEntries(shelves, '', df).map((e) => [e.spec.id, e.port])).toEqual([['tables.head', 'df']]);
    const intoFloat: LooseWire = { uuid: 'n', io: 'a', side: 'target', type: 'float' };
    expect(paletteEntries(shelves, '', intoFloat).map((e) => e.spec.id)).toEqual(['numbers.add', 'numbers.integer']);
  });
});
