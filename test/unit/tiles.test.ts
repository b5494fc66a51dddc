import { describe, expect, it } from 'vitest';
import { intersectionOverUnion, mergeDuplicates, panelsFor, PANEL_ASPECT, tilesFor } from '../../src/faces/tiles';

const whole = (width: number, height: number) => ({ x: 0, y: 0, width, height });

const face = (x: number, y: number, size: number, score = 0.9) => ({ x, y, width: size, height: size, score, keypoints: [] });

describe('tiles for small faces', () => {
  it('covers the image with a 3x3 grid of half-size tiles inside its bounds', () => {
    const tiles = tilesFor(whole(1024, 768));
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
    const tiles = tilesFor(whole(1000, 1000));
    for (const [x, y] of [[0, 0], [240, 610], [375, 375], [749, 120], [750, 750]] as Array<[number, number]>) {
      const inside = tiles.some((t) => x >= t.x && y >= t.y && x + 250 <= t.x + t.width && y + 250 <= t.y + t.height);
      expect(inside, `face at ${x},${y}`).toBe(true);
    }
  });

  it('does not tile images too small to gain from it', () => {
    expect(tilesFor(whole(300, 200))).toEqual([]);
  });

  it('tiles a panel where it lies in the image', () => {
    expect(tilesFor({ x: 1000, y: 0, width: 1024, height: 512 })).toEqual(tilesFor(whole(1024, 512)).map((tile) => ({ ...tile, x: tile.x + 1000 })));
  });
});

describe('panels of elongated images', () => {
  it('looks at images up to 2:1, every photo and video frame, whole', () => {
    for (const [width, height] of [[1024, 768], [1024, 576], [1024, 512], [512, 1024], [300, 300]] as const) {
      expect(panelsFor(width, height)).toEqual([whole(width, height)]);
    }
  });

  it('cuts a panorama into 2:1 panels inside it, overlapping by at least the short side, ends flush with the image\'s', () => {
    for (const [width, height] of [[2048, 512], [4096, 512], [4096, 341], [1500, 700], [341, 4096]] as const) {
      const panels = panelsFor(width, height);
      const [long, short] = [Math.max(width, height), Math.min(width, height)];
      const along = (panel: { x: number; y: number }) => (width > height ? panel.x : panel.y);
      expect(panels.length).toBeGreaterThan(1);
      for (const [index, panel] of panels.entries()) {
        expect([Math.max(panel.width, panel.height), Math.min(panel.width, panel.height)]).toEqual([Math.round(PANEL_ASPECT * short), short]);
        expect(along(panel)).toBeGreaterThanOrEqual(0);
        expect(along(panel) + Math.round(PANEL_ASPECT * short)).toBeLessThanOrEqual(long);
        if (index > 0) expect(along(panel) - along(panels[index - 1]!)).toBeLessThanOrEqual(short);
      }
      expect(along(panels[0]!)).toBe(0);
      expect(along(panels.at(-1)!) + Math.round(PANEL_ASPECT * short)).toBe(long);
    }
    expect(panelsFor(2048, 512)).toEqual([whole(1024, 512), { ...whole(1024, 512), x: 512 }, { ...whole(1024, 512), x: 1024 }]);
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
