/**
 * Decodes image files off the page's thread. The page has already read the
 * header, refused what is too large, and chosen the size to decode at, so a
 * decompression bomb never reaches this point.
 */
import { decodeBitmap, type DecodeReply, type DecodeRequest } from './decode-protocol';

onmessage = async (event: MessageEvent<DecodeRequest>) => {
  const { id, ...request } = event.data;
  try {
    const bitmap = await decodeBitmap(request);
    postMessage({ id, bitmap } satisfies DecodeReply, { transfer: [bitmap] });
  } catch (error) {
    postMessage({ id, error: String(error) } satisfies DecodeReply);
  }
};
