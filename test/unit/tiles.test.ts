import { describe, expect, it } from 'vitest';
import { intersectionOverUnion, mergeDuplicates, tilesFor } from '../../src/faces/tiles';

const face = (x: number, y: number, size: number, score = 0.9) => ({ x, y, width: size, height: size, score, keypoints: [] });

describe('tiles for small faces', () => {
  it('covers the image with a 3x3 grid of half-size tiles inside its bounds', () => {
    const tiles = tilesFor(1024, 768);
    expect(tiles).toHaveLength(9);
    for (const tile of tiles) {
      expect(tile.x).toBeGreaterThanOrEqual(0);
      expect(tile.y).toBeGreaterThanOrEqual(0);
      expect(tile.x + tile.width).toBeLessThanOrEqual(1024);
      expect(tile.y + tile.height).toBeLessThanOrEqual(768);
    }
    expect(tiles.at(-1)).toEqual({ x: 512, y: 384, width: 512, height: 384 });
  });

  it('puts any face up to a quarter of the side whole inside some tile', () => {
    const tiles = tilesFor(1000, 1000);
    for (const [x, y] of [[0, 0], [240, 610], [375, 375], [749, 120], [750, 750]] as Array<[number, number]>) {
      const inside = tiles.some((t) => x >= t.x && y >= t.y && x + 250 <= t.x + t.width && y + 250 <= t.y + t.height);
      expect(inside, `face at ${x},${y}`).toBe(true);
    }
  });

  it('does not tile images too small to gain from it', () => {
    expect(tilesFor(300, 200)).toEqual([]);
  });
});

describe('merging duplicates', () => {
  it('measures overlap as intersection over union', () => {
    expect(intersectionOverUnion(face(0, 0, 10), face(0, 0, 10))).toBe(1);
    expect(intersectionOverUnion(face(0, 0, 10), face(5, 0, 10))).toBeCloseTo(50 / 150);
    expect(intersectionOverUnion(face(0, 0, 10), face(20, 20, 10))).toBe(0);
  });

  it('keeps the most confident of a face found in two tiles, and distinct faces apart', () => {
    const merged = mergeDuplicates([face(100, 100, 50, 0.7), face(104, 102, 48, 0.95), face(400, 100, 50, 0.8)]);
    expect(merged.map((f) => f.score)).toEqual([0.95, 0.8]);
  });
});
