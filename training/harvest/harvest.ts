/**
 * Page half of the face harvest: detects faces with the app's own detector
 * and returns them in original-image pixels, so that training crops and
 * keypoints come from exactly the pipeline users run.
 */
import { createFaceFinder } from '../../src/faces/detector';
import { decodeImage } from '../../src/decode/image';

const finder = await createFaceFinder();

async function detect(base64: string) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const image = await decodeImage(new Blob([bytes]));
  try {
    return { width: image.width, height: image.height, faces: finder.detect(image.detection, image.scale) };
  } finally {
    image.close();
  }
}

declare global {
  interface Window {
    harvest(images: string[]): Promise<unknown[]>;
    harvestReady: boolean;
  }
}
window.harvest = (images) => Promise.all(images.map((image) => detect(image).catch((error: unknown) => ({ error: String(error) }))));
window.harvestReady = true;
