/**
 * Warm-up: one pass of every stage over a blank picture right after loading.
 * The first run of each stage pays for work done once (the decoding worker
 * starting, the face detector's and the classifier's first inference, their
 * wasm code reaching its optimised tier): without it, a check made 2 s after
 * the page was ready took 618-779 ms where later ones took 50-78 (`npm run
 * bench`; bench/HISTORY.md, "The first check after loading"). A page
 * usually checks one picture, so that first check is the one its user waits
 * for; done ahead, while the user is still choosing a file, it costs them
 * nothing.
 */
import type { Classifier } from './classify/classifier';
import { CLASSIFIER_INPUT_SIZE } from './crop/geometry';
import { cropFace } from './crop/pixels';
import { decodeImage } from './decode/image';
import type { MediaLimits } from './decode/limits';
import type { FaceFinder } from './faces/detector';

/** Small enough to cost little, large enough that detection runs its full-image and zoomed-out passes. */
const SIDE = 256;
const GREY = 128;

/**
 * Sends a grey crop to the classifier's worker and, meanwhile, decodes a grey
 * PNG in the page, looks for faces in it (finding none, so every pass runs)
 * and crops its middle. Resolves when the page's part is done; the worker runs
 * requests in order, so a check's classification simply follows the warm-up's
 * there. The page's steps stop early once `stop()` says a check is waiting:
 * that check then pays for the rest itself, as it would have anyway, instead
 * of waiting for a warm-up it no longer gains from. Nothing is kept: the
 * stages hold no state between checks beyond warmed code and buffers.
 */
export function warmUp(faces: FaceFinder, classifier: Classifier, limits: MediaLimits, stop: () => boolean): Promise<void> {
  const crop = new Uint8Array(3 * CLASSIFIER_INPUT_SIZE * CLASSIFIER_INPUT_SIZE).fill(GREY);
  // A failure here is not reported: a classifier that fails fails the checks with their own error.
  classifier.classify([crop], CLASSIFIER_INPUT_SIZE).catch(() => undefined);
  return warmUpPage(faces, limits, stop);
}

async function warmUpPage(faces: FaceFinder, limits: MediaLimits, stop: () => boolean): Promise<void> {
  const canvas = new OffscreenCanvas(SIDE, SIDE);
  const context = canvas.getContext('2d')!;
  context.fillStyle = `rgb(${GREY} ${GREY} ${GREY})`;
  context.fillRect(0, 0, SIDE, SIDE);
  const image = await decodeImage(await canvas.convertToBlob({ type: 'image/png' }), limits);
  try {
    if (stop()) return;
    faces.detect(image.detection, image.scale);
    if (stop()) return;
    await cropFace(image.source, { x: SIDE / 4, y: SIDE / 4, width: SIDE / 2, height: SIDE / 2 });
  } finally {
    image.close();
  }
}
