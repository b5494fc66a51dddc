/** score, for videos: which frames to sample, and one summary score from many frames. */
import { roundScore } from './aggregate';

export interface VideoSampling {
  /** Seconds between sampled frames (default 1). */
  interval: number;
  /** Most frames analysed; a longer video is sampled at a wider, even spacing. */
  maxFrames: number;
}

export const DEFAULT_VIDEO_SAMPLING: VideoSampling = { interval: 1, maxFrames: 300 };

/**
 * Frame times in milliseconds: 0, interval, 2·interval, … while inside the
 * video. When that would exceed `maxFrames`, the interval is stretched so the
 * samples still cover the whole video evenly rather than only its start.
 */
export function samplePositions(durationMs: number, sampling: VideoSampling = DEFAULT_VIDEO_SAMPLING): number[] {
  if (!(durationMs > 0) || !(sampling.interval > 0) || sampling.maxFrames < 1) return [];
  const wanted = Math.floor(durationMs / (sampling.interval * 1000) - 1e-9) + 1;
  const count = Math.min(wanted, sampling.maxFrames);
  const step = count === wanted ? sampling.interval * 1000 : durationMs / count;
  return Array.from({ length: count }, (_, i) => Math.round(i * step));
}

export interface FrameScore {
  deepfake: number;
  /** Faces analysed in the frame; frames without one say nothing about a swap. */
  faces: number;
}

/**
 * The video's score, robust to one-frame spikes: over the n frames where a
 * face was found, the k-th highest score with k = max(2, ⌈n/4⌉) (the highest
 * when n ≤ 2). A swap present in a quarter of the face frames scores as high
 * as one present throughout; a single misfiring frame cannot decide the
 * verdict. Frames without a face are left out; no face anywhere scores 0.
 */
export function videoSummary(frames: readonly FrameScore[]): number {
  const scores = frames.filter((frame) => frame.faces > 0).map((frame) => frame.deepfake).sort((a, b) => b - a);
  if (scores.length === 0) return 0;
  const rank = scores.length <= 2 ? 1 : Math.max(2, Math.ceil(scores.length / 4));
  return roundScore(scores[rank - 1]!);
}
