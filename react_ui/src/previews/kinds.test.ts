// One preview of every kind in the protocol's tagged union (generated from the Python models):
// the compiler checks each against its generated type and that no kind is missing, and the
// model reads each as that kind, not as `unknown`.
import { describe, expect, it } from 'vitest';
import type { PreviewResult } from '../protocol/generated';
import { normalizePreview } from './model';

type Kind = PreviewResult['kind'];

const EVERY_KIND = {
  empty: { kind: 'empty', type: 'NoValue' },
  json: { kind: 'json', type: 'list', value: [1, 2], length: 2, truncated: false },
  text: { kind: 'text', type: 'str', value: 'hi', length: 2, truncated: false },
  error: { kind: 'error', type: 'ValueError', value: 'bad', length: 3, truncated: false },
  repr: { kind: 'repr', type: 'Foo', value: '<Foo>', length: 5, truncated: false },
  bytes: { kind: 'bytes', type: 'bytes', length: 4, mime: 'application/octet-stream', head: '00010203' },
  image: { kind: 'image', type: 'Image', mime: 'image/png', data: 'AAAA', width: 4, height: 4 },
  array: { kind: 'array', type: 'ndarray', shape: [2, 2], dtype: 'int64', head: [[1, 2], [3, 4]], truncated: false },
  table: {
    kind: 'table',
    type: 'DataFrame',
    columns: ['a'],
    dtypes: ['int64'],
    index: [0],
    rows: [[1]],
    shape: [1, 1],
    truncated: false,
  },
  plotly: {
    kind: 'plotly',
    type: 'Figure',
    spec: { data: [{ type: 'scatter', x: [1], y: [2] }], layout: {} },
    points: 1,
    shown: 1,
    downsampled: false,
    truncated: false,
  },
  vega: { kind: 'vega', type: 'Chart', spec: { mark: 'point' }, truncated: false },
} satisfies { [K in Kind]: Extract<PreviewResult, { kind: K }> };

const MODEL_KIND: Record<Kind, string> = {
  empty: 'empty',
  json: 'container',
  text: 'text',
  error: 'error',
  repr: 'repr',
  bytes: 'bytes',
  image: 'image',
  array: 'array',
  table: 'table',
  plotly: 'plotly',
  vega: 'vega',
};

describe('every preview kind Python sends', () => {
  for (const [kind, preview] of Object.entries(EVERY_KIND)) {
    it(`reads ${kind}`, () => {
      expect(normalizePreview(preview).kind).toBe(MODEL_KIND[kind as Kind]);
    });
  }

  it('reads a kind it does not know as unknown (a newer worker)', () => {
    expect(normalizePreview({ kind: 'none', type: 'X' }).kind).toBe('unknown');
  });
});
