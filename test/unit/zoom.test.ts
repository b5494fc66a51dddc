import { describe, expect, it } from 'vitest';
import { ZOOM_OUT, zoomedOut } from '../../src/faces/zoom';

describe('zoomed-out pass for tight crops', () => {
  it('centres the image, shrunk by the zoom factor, on a canvas of its own size', () => {
    expect(zoomedOut(200, 100, 2)).toEqual({ x: 50, y: 25, width: 100, height: 50 });
    const shrunk = zoomedOut(160, 160);
    expect(shrunk.width).toBe(160 / ZOOM_OUT);
    expect(shrunk.x + shrunk.width / 2).toBe(80);
  });
});
