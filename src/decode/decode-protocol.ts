/** Messages between the page and the image-decoding worker. */
export interface DecodeRequest {
  id: number;
  blob: Blob;
  /** Decode downscaled to this size (as displayed, after EXIF orientation); null: full size. */
  size: { width: number; height: number } | null;
}

export type DecodeReply = { id: number; bitmap: ImageBitmap; error?: undefined } | { id: number; error: string; bitmap?: undefined };

/** The decode itself, the same in the worker and in the page's fallback: EXIF orientation applied, then the bound. */
export function bitmapOptions(size: DecodeRequest['size']): ImageBitmapOptions {
  return {
    imageOrientation: 'from-image',
    ...(size ? { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'high' } : {}),
  };
}
