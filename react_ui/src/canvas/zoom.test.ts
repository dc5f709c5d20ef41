import { describe, expect, it } from 'vitest';
import { FAR_ZOOM, zoomLevel } from './zoom';

describe('zoomLevel', () => {
  it('is far below the threshold and near from it on', () => {
    expect(zoomLevel(0.2)).toBe('far');
    expect(zoomLevel(FAR_ZOOM - 0.01)).toBe('far');
    expect(zoomLevel(FAR_ZOOM)).toBe('near');
    expect(zoomLevel(1.5)).toBe('near');
  });
});
