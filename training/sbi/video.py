"""Video-codec damage: frames passed through H.264 (Debian's ffmpeg with libx264), as a face in a video is.

JPEG alone is not what a video frame looks like: H.264 predicts most frames
from the previous one, quantises the remainder on 4x4 and 8x8 transforms,
subsamples colour and smooths block edges with its deblocking filter. dfdc-dev's
reals and fakes alike went through that; training applies it alike to both
classes, so that neither owns it.
"""
from __future__ import annotations

import subprocess

import numpy as np

FFMPEG = ("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin")
#: Constant rate factors drawn from: 18 is close to transparent, 36 a heavily compressed upload.
CRF_RANGE = (18, 36)
#: How far the head moves between the reference frame and the kept one, in pixels.
MAX_MOTION = 2


def h264(frames: np.ndarray, crf: int) -> np.ndarray:
    """(N, H, W, 3) uint8 RGB frames encoded as one H.264 stream at `crf` and decoded again.

    One keyframe, then predicted frames only (no B-frames, no scene cuts), on a
    single thread so the result is the same on every run. An odd side is padded
    by its last row or column for the codec's half-size colour planes, and cut
    off again.
    """
    count, height, width, _ = frames.shape
    even = np.pad(frames, ((0, 0), (0, height % 2), (0, width % 2), (0, 0)), mode="edge")
    encoded = subprocess.run(
        [*FFMPEG, "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{even.shape[2]}x{even.shape[1]}", "-i", "pipe:",
         "-c:v", "libx264", "-preset", "veryfast", "-crf", str(int(crf)), "-pix_fmt", "yuv420p", "-threads", "1",
         "-g", str(count + 1), "-bf", "0", "-x264-params", "scenecut=0", "-f", "h264", "pipe:"],
        input=np.ascontiguousarray(even, np.uint8).tobytes(), capture_output=True, check=True).stdout
    decoded = subprocess.run(
        [*FFMPEG, "-f", "h264", "-i", "pipe:", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:"],
        input=encoded, capture_output=True, check=True).stdout
    return np.frombuffer(decoded, np.uint8).reshape(even.shape)[:, :height, :width].copy()


def shifted(image: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """The image moved by (dx, dy) pixels, its edges repeated into the gap."""
    height, width = image.shape[:2]
    rows = np.clip(np.arange(height) - dy, 0, height - 1)
    cols = np.clip(np.arange(width) - dx, 0, width - 1)
    return image[rows][:, cols]


def predicted_frames(images: np.ndarray, moves: np.ndarray, crf: int) -> np.ndarray:
    """Each (H, W, 3) uint8 image coded as a predicted frame whose reference is the same image moved by its
    (dx, dy) in `moves` (a head between two frames), all in one stream at `crf`."""
    if not len(images):
        return images
    pairs = np.stack([frame for image, (dx, dy) in zip(images, moves) for frame in (shifted(image, dx, dy), image)])
    return h264(pairs, crf)[1::2]


def video_damage(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """predicted_frames with random moves of up to MAX_MOTION pixels, at one rate factor drawn from CRF_RANGE."""
    moves = rng.integers(-MAX_MOTION, MAX_MOTION + 1, size=(len(images), 2))
    return predicted_frames(images, moves, rng.integers(CRF_RANGE[0], CRF_RANGE[1] + 1))


def video_frame(image: np.ndarray, crf: int) -> np.ndarray:
    """One photo as a predicted video frame at `crf`, its reference moved by a pixel each way."""
    return predicted_frames(image[None], np.array([[1, 1]]), crf)[0]
