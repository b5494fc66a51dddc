/**
 * Decodes image files off the page's thread. The page has already read the
 * header, refused what is too large, and chosen the size to decode at, so a
 * decompression bomb never reaches this point.
 */
import { bitmapOptions, type DecodeReply, type DecodeRequest } from './decode-protocol';

onmessage = async (event: MessageEvent<DecodeRequest>) => {
  const { id, blob, size } = event.data;
  try {
    const bitmap = await createImageBitmap(blob, bitmapOptions(size));
    postMessage({ id, bitmap } satisfies DecodeReply, { transfer: [bitmap] });
  } catch (error) {
    postMessage({ id, error: String(error) } satisfies DecodeReply);
  }
};
