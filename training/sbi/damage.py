"""Hard conditions for real photos, applied to the whole photo before the crop, as a camera, a messenger or a video would.

`sbi.evaluate` measures the held-out reals under each; `sbi.export --cap` can
bound the false alarms on the validation reals under each. Both use these
functions, so the condition an export caps is the one the card reports.
"""
from __future__ import annotations

from typing import Callable

import cv2
import numpy as np

from .blend import jpeg
from .video import video_frame


def low_light(image: np.ndarray) -> np.ndarray:
    """Underexposed and noisy: a darker gamma, under half the brightness, sensor noise (fixed seed)."""
    dark = (image.astype(np.float32) / 255.0) ** 1.6 * 0.45 * 255
    noisy = dark + np.random.default_rng(0).normal(0, 3, image.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def as_it_is(image: np.ndarray) -> np.ndarray:
    """The photo unchanged: the clean condition, and what sbi.data.dfdc_crops cuts from unless asked otherwise."""
    return image


#: Name (as in metrics.json, after "real_") → the damage.
REAL_PHOTO_CONDITIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "clean": as_it_is,
    "jpeg_q20": lambda image: jpeg(image, 20),
    "blur_sigma2": lambda image: cv2.GaussianBlur(image, (0, 0), 2),
    "low_light": low_light,
    "h264_crf30": lambda image: video_frame(image, 30),
}
