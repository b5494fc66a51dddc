/** A face as the detector reports it, in pixels of the full-resolution image. */
export interface DetectedFace {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Detector confidence in [0, 1]. */
  score: number;
  /** BlazeFace's six keypoints (right eye, left eye, nose tip, mouth, right ear, left ear), in pixels. */
  keypoints: Array<{ x: number; y: number }>;
}
