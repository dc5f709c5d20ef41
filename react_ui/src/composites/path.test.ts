import { describe, expect, it } from 'vitest';
import type { CompositeData } from '../protocol/generated';
import { node } from '../testing/fixtures';
import {
  definitionAt,
  foundDepth,
  insideArgs,
  levelLabel,
  MAX_DEPTH,
  openLevel,
  outerIds,
  resolvePath,
  toDepth,
  upLevel,
} from './path';

const def = (name: string, nodes: CompositeData['nodes']): CompositeData => ({ name, description: '', nodes, edges: [], inputs: [], outputs: [] });

// the workflow: node "top" is an Outer; inside Outer, "mid" is a Middle (named "Step"); inside
// Middle, "low" is an Inner
const COMPOSITES: Record<string, CompositeData> = {
  outer: def('Outer', [
    { uuid: 'mid', node_id: 'composite.middle', inputs: {}, properties: { name: 'Step' } },
    { uuid: 'plain', node_id: 'numbers.add', inputs: {}, properties: {} },
  ]),
  middle: def('Middle', [{ uuid: 'low', node_id: 'composite.inner', inputs: {}, properties: {} }]),
  inner: def('Inner', [{ uuid: 'x', node_id: 'numbers.add', inputs: {}, properties: {} }]),
};
const NODES = { top: node('top', { node_id: 'composite.outer', name: 'Outer' }) };

describe('resolvePath', () => {
  it('names each level: the node from the workflow, each next one from the definition above', () => {
    const levels = resolvePath(['top', 'mid', 'low'], NODES, COMPOSITES);
    expect(levels.map((l) => [l.uuid, l.depth, l.found, l.compositeId, l.own, l.name])).toEqual([
      ['top', 1, true, 'outer', null, 'Outer'],
      ['mid', 2, true, 'middle', 'Step', 'Middle'],
      ['low', 3, true, 'inner', null, 'Inner'],
    ]);
    expect(levels.map(levelLabel)).toEqual(['Outer', 'Step', 'Inner']);
    expect(foundDepth(levels)).toBe(3);
  });

  it("takes the workflow node's own name, and its type's name before the definitions are known", () => {
    const nodes = { top: node('top', { node_id: 'composite.outer', name: 'Outer type', properties: { name: 'Mine' } }) };
    expect(levelLabel(resolvePath(['top'], nodes, COMPOSITES)[0]!)).toBe('Mine');
    const [level] = resolvePath(['top'], { top: node('top', { node_id: 'composite.outer', name: 'Outer type' }) }, {});
    expect(level).toMatchObject({ found: true, compositeId: 'outer', name: 'Outer type' });
  });

  it('stops finding at a node that is not where the path says (and past it)', () => {
    const gone = { ...COMPOSITES, outer: def('Outer', []) };
    const levels = resolvePath(['top', 'mid', 'low'], NODES, gone);
    expect(levels.map((l) => l.found)).toEqual([true, false, false]);
    expect(foundDepth(levels)).toBe(1);
    expect(foundDepth(resolvePath(['nope', 'mid'], NODES, COMPOSITES))).toBe(0);
    // a plain node on the path leads nowhere
    expect(resolvePath(['top', 'plain', 'low'], NODES, COMPOSITES).map((l) => [l.found, l.compositeId])).toEqual([
      [true, 'outer'],
      [true, null],
      [false, null],
    ]);
  });
});

describe('get_inside arguments', () => {
  it('a node of the workflow: no path; deeper: the composites above it, outermost first', () => {
    expect(insideArgs(['top'])).toEqual({ uuid: 'top' });
    expect(insideArgs(['top', 'mid'])).toEqual({ uuid: 'mid', path: ['top'] });
    expect(insideArgs(['top', 'mid', 'low'])).toEqual({ uuid: 'low', path: ['top', 'mid'] });
    expect(() => insideArgs([])).toThrow();
  });
});

describe('moving along the path', () => {
  it('opens one level more, goes up one, and back to a level', () => {
    expect(openLevel(['top'], 'mid')).toEqual(['top', 'mid']);
    expect(openLevel(['top', 'mid'], 'low')).toEqual(['top', 'mid', 'low']);
    expect(openLevel(['top', 'mid'], 'top')).toBeNull(); // already on the path
    expect(openLevel(Array.from({ length: MAX_DEPTH }, (_, i) => `n${i}`), 'deeper')).toBeNull();
    expect(upLevel(['top', 'mid', 'low'])).toEqual(['top', 'mid']);
    expect(upLevel(['top'])).toEqual([]); // back to the workflow
    expect(toDepth(['top', 'mid', 'low'], 1)).toEqual(['top']);
    expect(toDepth(['top', 'mid', 'low'], 0)).toEqual([]);
    expect(toDepth(['top', 'mid'], -1)).toEqual([]);
  });
});

describe('definitions on the path', () => {
  it('outer ids are those above the shown level; the shown one comes from the workflow when whole', () => {
    const levels = resolvePath(['top', 'mid', 'low'], NODES, COMPOSITES);
    expect(outerIds(levels)).toEqual(['outer', 'middle']);
    expect(outerIds(levels.slice(0, 1))).toEqual([]);
    expect(definitionAt(levels, COMPOSITES)).toEqual({ id: 'inner', composite: COMPOSITES.inner });
    expect(definitionAt(resolvePath(['top', 'gone'], NODES, COMPOSITES), COMPOSITES)).toBeNull();
    expect(definitionAt([], COMPOSITES)).toBeNull();
  });
});
