import { describe, expect, it } from 'vitest';
import { embedOptions, previewLoader, withoutEmbedOptions } from './vegaOptions';
import { cardVegaSpec, fullVegaSpec, inlineRows, isSingleView, truncatedNote, vegaMode } from './vegaSpec';

// an altair chart's spec, as Chart.to_dict() gives it
const altair = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.4.1.json',
  config: { view: { continuousWidth: 300, continuousHeight: 300 }, axis: { labelColor: 'red' } },
  data: { name: 'data-1' },
  datasets: { 'data-1': [{ x: 1, y: 2 }, { x: 2, y: 3 }, { x: 3, y: 1 }] },
  mark: { type: 'point' },
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
  title: 'Points',
};

describe('Vega-Lite specs', () => {
  it('knows one view from a composition', () => {
    expect(isSingleView(altair)).toBe(true);
    expect(isSingleView({ layer: [] })).toBe(true);
    expect(isSingleView({ hconcat: [altair, altair] })).toBe(false);
    expect(isSingleView({ ...altair, encoding: { ...altair.encoding, column: { field: 'g' } } })).toBe(false);
    expect(isSingleView({ data: { values: [] } })).toBe(false);
  });

  it('tells Vega from Vega-Lite by its schema', () => {
    expect(vegaMode(altair)).toBe('vega-lite');
    expect(vegaMode({ $schema: 'https://vega.github.io/schema/vega/v6.json' })).toBe('vega');
    expect(vegaMode({})).toBe('vega-lite');
  });

  it('fits a card: fixed size, no title or legend, small axis text', () => {
    const card = cardVegaSpec(altair);
    expect(card.width).toBe(216);
    expect(card.height).toBe(150);
    expect(card.autosize).toEqual({ type: 'fit', contains: 'padding' });
    expect(card.title).toBeUndefined();
    const config = card.config as Record<string, Record<string, unknown>>;
    expect(config.legend?.disable).toBe(true);
    expect(config.axis).toMatchObject({ labelColor: 'red', labelFontSize: 8 });
    expect(config.view).toEqual(altair.config.view);
    // the original is left alone
    expect(altair.title).toBe('Points');
    // a composition keeps its sizes (CSS scales it into the card)
    expect(cardVegaSpec({ hconcat: [altair] }).width).toBeUndefined();
  });

  it('fills the inspector: the panel width, tooltips unless the chart has its own', () => {
    const full = fullVegaSpec(altair);
    expect(full.width).toBe('container');
    expect(full.height).toBe(340);
    expect(full.autosize).toEqual({ type: 'fit-x', contains: 'padding' });
    expect((full.config as Record<string, unknown>).mark).toEqual({ tooltip: { content: 'encoding' } });
    expect(fullVegaSpec({ ...altair, height: 200 }).height).toBe(200);
    const own = fullVegaSpec({ ...altair, config: { mark: { tooltip: false } } });
    expect((own.config as Record<string, unknown>).mark).toEqual({ tooltip: false });
  });

  it('counts the rows it carries and says when they were cut', () => {
    expect(inlineRows(altair)).toBe(3);
    expect(inlineRows({ layer: [{ data: { values: [1, 2] } }, { data: { values: [3] } }] })).toBe(3);
    expect(truncatedNote(altair, true)).toBe('truncated: 3 rows of data shown');
    expect(truncatedNote(altair, false)).toBeNull();
    expect(truncatedNote({ mark: 'bar' }, true)).toBe('truncated: the data was cut to fit the preview');
  });
});

describe('vega-embed options', () => {
  it('draws SVG without the action menu; tooltips only in the inspector', () => {
    expect(embedOptions(altair, true)).toMatchObject({ mode: 'vega-lite', actions: false, renderer: 'svg', tooltip: false });
    expect(embedOptions(altair, false).tooltip).toBe(true);
  });

  it('loads nothing from the network', async () => {
    await expect(previewLoader.load('https://example.com/data.csv')).rejects.toThrow('loads nothing from the network');
    await expect(previewLoader.sanitize('//example.com/a.png')).rejects.toThrow();
    await expect(previewLoader.sanitize('data:image/png;base64,AA==')).resolves.toEqual({ href: 'data:image/png;base64,AA==' });
  });

  it('drops the embed options a spec brings', () => {
    const spec = { ...altair, usermeta: { embedOptions: { actions: true }, note: 1 } };
    expect(withoutEmbedOptions(spec).usermeta).toEqual({ note: 1 });
    expect(withoutEmbedOptions(altair)).toBe(altair);
  });
});
