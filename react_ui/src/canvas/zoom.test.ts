import { describe, expect, it } from 'vitest';
import { FAR_ZOOM, LINE_ZOOM, zoomLevel } from './zoom';

describe('zoomLevel', () => {
  it('is near from FAR_ZOOM on, far down to LINE_ZOOM, tiny below', () => {
    expect(zoomLevel(1.5)).toBe('near');
    expect(zoomLevel(FAR_ZOOM)).toBe('near');
    expect(zoomLevel(FAR_ZOOM - 0.01)).toBe('far');
    expect(zoomLevel(LINE_ZOOM)).toBe('far');
    expect(zoomLevel(LINE_ZOOM - 0.01)).toBe('tiny');
    expect(zoomLevel(0.18)).toBe('tiny');
  });
});
