/**
 * decode, for videos: sampled frames of a file or a <video> element, by one
 * of two decoders behind one interface. A file goes to WebCodecs where the
 * page has it and the codec is supported: its packets are demuxed in the page
 * and decoded forwards, each at most once, however sparse the keyframes.
 * Anything else (a <video> element, a container or codec WebCodecs does not
 * take or fails on before the first frame, a page without WebCodecs) is
 * seeked frame by frame in the browser's own player, which also words the
 * errors for files that neither can read.
 */
import { checkFileSize, DEFAULT_LIMITS, type MediaLimits } from './limits';
import { openElementVideo } from './video-element';
import { withFallback, type VideoDecoderChoice, type VideoInput, type VideoSource } from './video-source';

export type { VideoDecoderChoice, VideoDecoding, VideoInput, VideoSource } from './video-source';

export async function openVideo(
  input: VideoInput,
  limits: MediaLimits = DEFAULT_LIMITS,
  signal?: AbortSignal,
  choice: VideoDecoderChoice = 'auto',
): Promise<VideoSource> {
  if (input instanceof Blob) checkFileSize(input, limits);
  if (choice === 'auto' && input instanceof Blob && typeof VideoDecoder !== 'undefined') {
    // Loaded on the first video: the demuxers would otherwise double the script every image check waits for.
    const { openCodecVideo } = await import('./video-codecs');
    const source = await openCodecVideo(input, limits, signal);
    if (source) return withFallback(source, (frameSignal) => openElementVideo(input, limits, frameSignal));
  }
  return openElementVideo(input, limits, signal);
}
