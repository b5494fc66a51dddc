import type { RgbaImage } from './resample';

/** Deterministic RGBA test pattern shared with training/sbi/crop.py (synthetic_image), for crop fixtures. */
export function syntheticImage(width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      data[at] = (x * 7 + y * 3) % 256;
      data[at + 1] = (x * x + y * 11) % 256;
      data[at + 2] = (Math.floor(x / 4) * 40 + Math.floor(y / 4) * 90) % 256;
      data[at + 3] = 255;
    }
  }
  return { width, height, data };
}
