/**
 * BlazeFace (short range) sees the whole image at 128x128, so a face smaller
 * than about a sixth of the image's side is too few pixels for it: in a
 * full-body shot or a group photo it finds nothing. When the whole-image
 * pass finds no face, a second pass looks at overlapping tiles, each seen at
 * 128x128 too, so faces appear twice as large; duplicates found in two
 * tiles are merged.
 */
import type { DetectedFace } from './types';

export interface Tile {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Tiles span half the side; a 3x3 grid at quarter-side steps, so any face up to a quarter of the side lies whole in one tile. */
const GRID = 3;
const TILE_FRACTION = 0.5;

/**
 * The most elongated shape looked at whole: images up to 2:1 (every photo and video frame the measured figures
 * used) are one panel; longer ones are cut into panels of this shape (panelsFor).
 */
export const PANEL_ASPECT = 2;

/** Images whose shorter side is below this gain nothing from tiling: tiles would be upscaled. */
export const MIN_TILED_SIDE = 256;

/** The tiles of `region` (a panel, or the whole image), in the image's pixels. */
export function tilesFor({ x, y, width, height }: Tile): Tile[] {
  if (Math.min(width, height) < MIN_TILED_SIDE) return [];
  const tileWidth = Math.round(width * TILE_FRACTION);
  const tileHeight = Math.round(height * TILE_FRACTION);
  const tiles: Tile[] = [];
  for (let row = 0; row < GRID; row++) {
    for (let column = 0; column < GRID; column++) {
      tiles.push({
        x: x + Math.round(((width - tileWidth) * column) / (GRID - 1)),
        y: y + Math.round(((height - tileHeight) * row) / (GRID - 1)),
        width: tileWidth,
        height: tileHeight,
      });
    }
  }
  return tiles;
}

/**
 * The panels an image is looked at in: the whole image, or, where one side is more than PANEL_ASPECT times the
 * other (a panorama, a banner, photos side by side), overlapping panels of that shape along the long side, each
 * searched as a picture of its own (its whole-panel pass, then its tiles). Seen whole, such an image is shown to
 * BlazeFace in a square of its long side, where a face a fifth of the short side tall is a few pixels: the portrait
 * in a 4000x1000 frame was found in no pass. Consecutive panels overlap by at least the short side, so every face
 * lies whole in one of them.
 */
export function panelsFor(width: number, height: number): Tile[] {
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  if (long <= PANEL_ASPECT * short) return [{ x: 0, y: 0, width, height }];
  const panelLong = Math.round(PANEL_ASPECT * short);
  const count = Math.ceil((long - panelLong) / short) + 1;
  return Array.from({ length: count }, (_, index) => {
    const at = Math.round(((long - panelLong) * index) / (count - 1));
    return width > height ? { x: at, y: 0, width: panelLong, height } : { x: 0, y: at, width, height: panelLong };
  });
}

export function intersectionOverUnion(a: DetectedFace, b: DetectedFace): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (width <= 0 || height <= 0) return 0;
  const overlap = width * height;
  return overlap / (a.width * a.height + b.width * b.height - overlap);
}

/** Keeps the most confident of each group of boxes overlapping more than `threshold` (IoU). */
export function mergeDuplicates<Face extends DetectedFace>(faces: readonly Face[], threshold = 0.3): Face[] {
  const kept: Face[] = [];
  for (const face of [...faces].sort((a, b) => b.score - a.score)) {
    if (kept.every((other) => intersectionOverUnion(face, other) <= threshold)) kept.push(face);
  }
  return kept;
}
