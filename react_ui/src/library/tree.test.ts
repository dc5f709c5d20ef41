import { describe, expect, it } from 'vitest';
import {
  arrangeShelves,
  countNodes,
  filterShelves,
  firstNode,
  highlight,
  parseShelves,
  parseSpec,
  searchTerms,
  shortDescription,
  specMatches,
  shelfTitle,
  specsById,
  specTooltip,
  type Shelf,
} from './tree';

const spec = (id: string, name: string, description = '') => ({
  id,
  name,
  description,
  inputs: [],
  outputs: [{ name: 'out', type: 'float', schema: { type: 'number' } }],
  executor: 'inline',
  module: 'nodeweave.shelves',
});

const RAW = [
  {
    name: 'numbers',
    description: 'Numbers',
    nodes: [spec('numbers.number', 'Number', 'A number constant.'), spec('numbers.add', 'Add', 'Add two numbers.')],
    subshelves: [
      {
        name: 'random',
        description: '',
        nodes: [spec('numbers.random', 'Random number', 'Uniform in [0, 1).')],
        subshelves: [],
      },
    ],
  },
  {
    name: 'text',
    description: 'Text',
    nodes: [spec('text.join', 'Join', 'Join strings with a separator.')],
    subshelves: [],
  },
];

describe('parseShelves', () => {
  it('narrows a get_library result to a typed tree with counts and keys', () => {
    const shelves = parseShelves(RAW);
    expect(shelves.map((s) => [s.name, s.count])).toEqual([
      ['numbers', 3],
      ['text', 1],
    ]);
    const numbers = shelves[0]!;
    expect(numbers.nodes.map((n) => n.id)).toEqual(['numbers.number', 'numbers.add']);
    expect(numbers.subshelves[0]?.key).not.toBe(numbers.key);
    expect(numbers.subshelves[0]?.nodes[0]?.outputs[0]).toEqual({
      name: 'out',
      type: 'float',
      schema: { type: 'number' },
      description: '',
      required: false,
    });
  });

  it('leaves out entries that are not shelves or specs', () => {
    const shelves = parseShelves([
      null,
      'numbers',
      { description: 'no name' },
      { name: 'ok', nodes: [{ name: 'no id' }, 7, spec('ok.one', 'One')], subshelves: 'nope' },
    ]);
    expect(shelves).toHaveLength(1);
    expect(shelves[0]?.nodes.map((n) => n.id)).toEqual(['ok.one']);
    expect(shelves[0]?.subshelves).toEqual([]);
    expect(shelves[0]?.description).toBe('');
  });

  it('is empty for anything but a list', () => {
    expect(parseShelves(undefined)).toEqual([]);
    expect(parseShelves({ name: 'x' })).toEqual([]);
  });

  it('gives shelves of the same name their own keys', () => {
    const shelves = parseShelves([
      { name: 'mine', nodes: [spec('a.x', 'X')] },
      { name: 'mine', nodes: [spec('b.y', 'Y')], subshelves: [{ name: 'sub', nodes: [] }] },
    ]);
    const keys = [shelves[0]?.key, shelves[1]?.key, shelves[1]?.subshelves[0]?.key];
    expect(new Set(keys).size).toBe(3);
  });
});

describe('parseSpec', () => {
  it('fills defaults and reads inputs', () => {
    const s = parseSpec({
      id: 'x.y',
      inputs: [
        { name: 'a', type: 'int', schema: { type: 'integer' }, required: true },
        { name: 'b', type: 'int', schema: { type: 'integer' }, required: false, default: 2 },
        { type: 'nameless' },
      ],
    });
    expect(s?.name).toBe('x.y');
    expect(s?.inputs.map((i) => [i.name, i.required])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    expect(s?.outputs).toEqual([]);
  });

  it('refuses a spec without an id', () => {
    expect(parseSpec({ name: 'Nameless' })).toBeNull();
    expect(parseSpec({ id: '' })).toBeNull();
  });
});

describe('search', () => {
  const shelves = parseShelves(RAW);
  const ids = (list: Shelf[]): string[] =>
    list.flatMap((s) => [...s.nodes.map((n) => n.id), ...ids(s.subshelves)]);

  it('splits a query into lower-case words', () => {
    expect(searchTerms('  Add  NUMBERS ')).toEqual(['add', 'numbers']);
    expect(searchTerms('   ')).toEqual([]);
  });

  it('matches name, id and description, every word, case-insensitive', () => {
    const add = shelves[0]!.nodes[1]!;
    expect(specMatches(add, searchTerms('ADD'))).toBe(true);
    expect(specMatches(add, searchTerms('numbers.add'))).toBe(true);
    expect(specMatches(add, searchTerms('two add'))).toBe(true);
    expect(specMatches(add, searchTerms('two join'))).toBe(false);
    expect(specMatches(add, [])).toBe(true);
  });

  it('keeps everything for an empty query', () => {
    expect(filterShelves(shelves, [])).toEqual(shelves);
  });

  it('prunes shelves without a match and recounts', () => {
    const found = filterShelves(shelves, searchTerms('random'));
    expect(found.map((s) => [s.name, s.count])).toEqual([['numbers', 1]]);
    expect(ids(found)).toEqual(['numbers.random']);
    expect(found[0]?.nodes).toEqual([]);
    expect(countNodes(found)).toBe(1);
  });

  it('finds across shelves', () => {
    expect(ids(filterShelves(shelves, searchTerms('number')))).toEqual([
      'numbers.number',
      'numbers.add',
      'numbers.random',
    ]);
    expect(ids(filterShelves(shelves, searchTerms('separator')))).toEqual(['text.join']);
    expect(filterShelves(shelves, searchTerms('nothing like it'))).toEqual([]);
  });

  it('gives the first node as shown, sub-shelves after a shelf’s own nodes', () => {
    expect(firstNode(shelves)?.id).toBe('numbers.number');
    expect(firstNode(filterShelves(shelves, searchTerms('uniform')))?.id).toBe('numbers.random');
    expect(firstNode([])).toBeNull();
  });
});

describe('display helpers', () => {
  it('highlights every occurrence of every term', () => {
    expect(highlight('Random number', ['num', 'ra'])).toEqual([
      { text: 'Ra', match: true },
      { text: 'ndom ', match: false },
      { text: 'num', match: true },
      { text: 'ber', match: false },
    ]);
    expect(highlight('Add', [])).toEqual([{ text: 'Add', match: false }]);
    expect(highlight('aaa', ['a'])).toEqual([{ text: 'aaa', match: true }]);
  });

  it('shows only a short first line of a description', () => {
    expect(shortDescription('Add two numbers.\nMore text.')).toBe('Add two numbers.');
    expect(shortDescription('x'.repeat(48))).toBe('x'.repeat(48));
    expect(shortDescription('x'.repeat(49))).toBeNull();
    expect(shortDescription('   ')).toBeNull();
  });

  it('puts id, description and signature in the tooltip', () => {
    const s = parseSpec({
      id: 'numbers.add',
      name: 'Add',
      description: 'Add two numbers.',
      inputs: [
        { name: 'a', type: 'float', required: true },
        { name: 'b', type: 'float', required: false, default: 0 },
      ],
      outputs: [{ name: 'out', type: 'float' }],
    })!;
    expect(specTooltip(s)).toBe('numbers.add\nAdd two numbers.\n\nin: a: float, b: float?\nout: out: float');
  });
});

describe('specs: streams, defaults; the composites shelf', () => {
  it('reads the stream flag and input defaults', () => {
    const parsed = parseSpec({
      id: 'sources.interval',
      name: 'Interval',
      stream: true,
      inputs: [
        { name: 'period', type: 'float', schema: { type: 'number' }, required: false, default: 1.0 },
        { name: 'count', type: 'int', schema: { type: 'integer' } },
      ],
      outputs: [{ name: 'tick', type: 'int', schema: {} }],
    });
    expect(parsed?.stream).toBe(true);
    expect(parsed?.inputs[0]?.default).toBe(1.0);
    expect(parsed?.inputs[1] && 'default' in parsed.inputs[1]).toBe(false);
    expect(parseSpec(spec('a.b', 'B'))?.stream).toBe(false);
  });

  it('lists the workflow composites first, under a title of their own', () => {
    const shelves = parseShelves([...RAW, { name: 'composites', description: '', nodes: [spec('composite.twice', 'Twice')], subshelves: [] }]);
    expect(arrangeShelves(shelves).map((s) => s.name)).toEqual(['composites', 'numbers', 'text']);
    expect(arrangeShelves(parseShelves(RAW)).map((s) => s.name)).toEqual(['numbers', 'text']);
    expect(shelfTitle('composites')).toBe('Composites (this workflow)');
    expect(shelfTitle('numbers')).toBe('numbers');
  });

  it('indexes every spec by id, sub-shelves included', () => {
    const byId = specsById(parseShelves(RAW));
    expect([...byId.keys()].sort()).toEqual(['numbers.add', 'numbers.number', 'numbers.random', 'text.join']);
  });
});
