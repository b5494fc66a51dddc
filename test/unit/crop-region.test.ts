import { describe, expect, it } from 'vitest';
import { cropRegion } from '../../src/crop/pixels';
import { axisTaps } from '../../src/crop/resample';

const SIZE = 160;
const squares = [
  { x: 100.3, y: 57.8, side: 311.4 }, // a face well inside a 1080p frame
  { x: 0, y: 0, side: 640 }, // at the top-left corner, larger than the input
  { x: 1779.5, y: 939.25, side: 140.5 }, // small, at the bottom-right edge
  { x: 600.5, y: 201.5, side: 601 },
];

/** The first and last source pixel (inclusive) the resampler reads along one axis. */
function reads(start: number, side: number) {
  const taps = axisTaps(start, side, SIZE);
  return { first: Math.min(...taps.map((t) => t.first)), last: Math.max(...taps.map((t) => t.first + t.weights.length - 1)) };
}

describe('the region of full-resolution pixels a crop reads', () => {
  for (const grid of [1, 2]) {
    it(`covers every pixel the resampler reads inside the image, on a grid of ${grid}`, () => {
      for (const square of squares) {
        const region = cropRegion(square, 1920, 1080, SIZE, grid);
        const x = reads(square.x, square.side);
        const y = reads(square.y, square.side);
        expect(region.left).toBeLessThanOrEqual(Math.max(0, x.first));
        expect(region.top).toBeLessThanOrEqual(Math.max(0, y.first));
        expect(region.left + region.width - 1).toBeGreaterThanOrEqual(Math.min(1919, x.last));
        expect(region.top + region.height - 1).toBeGreaterThanOrEqual(Math.min(1079, y.last));
        expect(region.left).toBeGreaterThanOrEqual(0);
        expect(region.top).toBeGreaterThanOrEqual(0);
        expect(region.left + region.width).toBeLessThanOrEqual(1920);
        expect(region.top + region.height).toBeLessThanOrEqual(1080);
        for (const edge of [region.left, region.top, region.width, region.height]) expect(edge % grid).toBe(0);
      }
    });
  }

  it('reads no more than a grid step beyond what the filter needs', () => {
    const square = squares[0]!;
    const exact = cropRegion(square, 1920, 1080, SIZE, 1);
    const even = cropRegion(square, 1920, 1080, SIZE, 2);
    expect(exact.left - even.left).toBeLessThanOrEqual(1);
    expect(even.left + even.width - (exact.left + exact.width)).toBeLessThanOrEqual(1);
  });
});
