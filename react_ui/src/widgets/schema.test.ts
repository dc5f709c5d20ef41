import { describe, expect, it } from 'vitest';
import { widgetForInput, widgetForSchema } from './schema';

describe('widgetForSchema mapping table', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['integer with bounds → slider step 1', { type: 'integer', minimum: 0, maximum: 10 }, { kind: 'slider', integer: true, min: 0, max: 10, step: 1 }],
    ['number with bounds → slider', { type: 'number', minimum: 0, maximum: 1 }, { kind: 'slider', integer: false, min: 0, max: 1, step: 0.01 }],
    ['number with bounds and multipleOf → slider with that step', { type: 'number', minimum: 0, maximum: 5, multipleOf: 0.5 }, { kind: 'slider', step: 0.5 }],
    ['exclusive bounds count as bounds', { type: 'number', exclusiveMinimum: 0, maximum: 100 }, { kind: 'slider', min: 0, max: 100, step: 1 }],
    ['integer without bounds → number field', { type: 'integer' }, { kind: 'number', integer: true, step: 1 }],
    ['integer with only minimum → number field', { type: 'integer', minimum: 0 }, { kind: 'number', min: 0 }],
    ['number → number field', { type: 'number' }, { kind: 'number', integer: false }],
    ['degenerate range → number field', { type: 'number', minimum: 3, maximum: 3 }, { kind: 'number' }],
    ['string enum → select', { type: 'string', enum: ['a', 'b'] }, { kind: 'select', options: ['a', 'b'] }],
    ['integer enum → select', { type: 'integer', enum: [1, 2, 3] }, { kind: 'select', options: [1, 2, 3] }],
    ['boolean → checkbox', { type: 'boolean' }, { kind: 'checkbox' }],
    ['string → text', { type: 'string' }, { kind: 'text' }],
    ['array → json', { type: 'array', items: { type: 'integer' } }, { kind: 'json' }],
    ['object → json', { type: 'object' }, { kind: 'json' }],
    ['empty schema (Any) → json', {}, { kind: 'json' }],
    ['union → json', { anyOf: [{ type: 'integer' }, { type: 'string' }] }, { kind: 'json', nullable: false }],
    ['Optional[int] → number, nullable', { anyOf: [{ type: 'integer' }, { type: 'null' }], default: null }, { kind: 'number', nullable: true, default: null }],
    ['Optional[str] via type list → text, nullable', { type: ['string', 'null'] }, { kind: 'text', nullable: true }],
    ['Optional[bounded float] → slider', { anyOf: [{ type: 'number', minimum: -1, maximum: 1 }, { type: 'null' }] }, { kind: 'slider', nullable: true, min: -1, max: 1 }],
    ['Optional[Literal] → select', { anyOf: [{ enum: ['x', 'y'], type: 'string' }, { type: 'null' }] }, { kind: 'select', options: ['x', 'y'], nullable: true }],
    ['default is carried', { type: 'integer', default: 3 }, { kind: 'number', default: 3 }],
    ['x-widget name override', { type: 'string', 'x-widget': 'json' }, { kind: 'json', source: 'override' }],
    ['x-widget slider with options', { type: 'number', 'x-widget': { type: 'slider', min: 1, max: 3, step: 0.5 } }, { kind: 'slider', min: 1, max: 3, step: 0.5, source: 'override' }],
    ['x-widget slider without bounds gets defaults', { type: 'integer', 'x-widget': 'slider' }, { kind: 'slider', min: 0, max: 100, step: 1, source: 'override' }],
    ['x-widget select with options', { type: 'string', 'x-widget': { type: 'select', options: ['p', 'q'] } }, { kind: 'select', options: ['p', 'q'], source: 'override' }],
    ['x-widget button → a trigger button', { type: 'integer', minimum: 0, 'x-widget': 'button', default: 0 }, { kind: 'button', integer: true, default: 0, source: 'override' }],
    ['unknown x-widget is ignored', { type: 'boolean', 'x-widget': 'rainbow' }, { kind: 'checkbox', source: 'schema' }],
    ['not a schema → json', null as unknown as Record<string, unknown>, { kind: 'json' }],
  ])('%s', (_label, schema, expected) => {
    expect(widgetForSchema(schema)).toMatchObject({ source: 'schema', nullable: false, ...expected });
  });

  it('non-scalar enums are not a select', () => {
    expect(widgetForSchema({ enum: [{ a: 1 }, [1]] }).kind).toBe('json');
  });
});

describe('widgetForInput', () => {
  it('an input driven by an edge is read-only but keeps its widget', () => {
    expect(widgetForInput({ connected: true, schema: { type: 'integer', minimum: 0, maximum: 9 } })).toEqual({
      connected: true,
      readOnly: true,
      widget: { kind: 'slider', integer: true, min: 0, max: 9, step: 1, nullable: false, source: 'schema' },
    });
  });

  it('a free input is editable', () => {
    expect(widgetForInput({ connected: false, schema: { type: 'string' } })).toMatchObject({
      connected: false,
      readOnly: false,
      widget: { kind: 'text' },
    });
  });
});

describe("the schema's own step (Input(step=…))", () => {
  const bounded = { type: 'number', minimum: -12, maximum: 14 };
  it('is used for sliders and number fields', () => {
    expect(widgetForSchema({ ...bounded, step: 0.25 }).step).toBe(0.25);
    expect(widgetForSchema({ type: 'number', step: 0.5 }).step).toBe(0.5);
    expect(widgetForSchema({ anyOf: [{ ...bounded, step: 2 }, { type: 'null' }] }).step).toBe(2);
  });

  it('gives way to multipleOf, and is ignored when not positive or not whole for integers', () => {
    expect(widgetForSchema(bounded).step).toBe(0.1);
    expect(widgetForSchema({ ...bounded, step: 0.25, multipleOf: 0.5 }).step).toBe(0.5);
    expect(widgetForSchema({ ...bounded, step: -1 }).step).toBe(0.1);
    expect(widgetForSchema({ type: 'integer', minimum: 0, maximum: 10, step: 0.5 }).step).toBe(1);
    expect(widgetForSchema({ type: 'string', step: 1 }).step).toBeUndefined();
  });
});
