/** Messages between the page and the image-decoding worker, and the decode itself. */
export interface DecodeRequest {
  id: number;
  blob: Blob;
  /** Decode downscaled to at most this size (as displayed, after EXIF orientation); null: full size. */
  size: { width: number; height: number } | null;
  /** An upright JPEG (EXIF orientation 1), which a browser's ImageDecoder can scale while it decodes. */
  uprightJpeg: boolean;
}

export type DecodeReply = { id: number; bitmap: ImageBitmap; error?: undefined } | { id: number; error: string; bitmap?: undefined };

/**
 * The decode, the same in the worker and in the page's fallback: EXIF orientation applied, then the bound.
 * createImageBitmap's resize holds the full-size pixels and the scaled copy at once; an upright JPEG over the bound
 * is instead decoded straight at a smaller scale where the browser's ImageDecoder can (JPEG's DCT scaling, n/8 of
 * each side, at most the bound), which needs neither. Orientations other than 1 keep the first way, which is known
 * to turn the image upright.
 */
export async function decodeBitmap({ blob, size, uprightJpeg }: Omit<DecodeRequest, 'id'>): Promise<ImageBitmap> {
  if (size && uprightJpeg && typeof ImageDecoder !== 'undefined') {
    // Any failure here (a corrupt file, a decoder that refuses) is left to createImageBitmap to report.
    const scaled = await decodeJpegScaled(blob, size).catch(() => null);
    if (scaled) return scaled;
  }
  return createImageBitmap(blob, { imageOrientation: 'from-image', ...(size ? scaledTo(size) : {}) });
}

const scaledTo = (size: { width: number; height: number }): ImageBitmapOptions => ({
  resizeWidth: size.width,
  resizeHeight: size.height,
  resizeQuality: 'high',
});

async function decodeJpegScaled(blob: Blob, size: { width: number; height: number }): Promise<ImageBitmap> {
  // The bytes handed over, not streamed: a stream's chunks were garbage that this worker's heap kept until its own
  // collection, which came rarely (14–21 MiB more after 20 checks of a 24 MP photo; bench/HISTORY.md,
  // "The decoder's copy of the file"). Transferred, they are the decoder's, and freed with it.
  const data = await blob.arrayBuffer();
  const decoder = new ImageDecoder({ data, transfer: [data], type: 'image/jpeg', desiredWidth: size.width, desiredHeight: size.height });
  try {
    const { image } = await decoder.decode();
    try {
      // A decoder that cannot scale gives the full size: then scale it here, as createImageBitmap would have.
      const fits = image.displayWidth <= size.width && image.displayHeight <= size.height;
      return await createImageBitmap(image, fits ? {} : scaledTo(size));
    } finally {
      image.close();
    }
  } finally {
    decoder.close();
  }
}
