"""Hard conditions for real photos, applied to the whole photo before the crop, as a camera, a messenger or a video would.

`sbi.evaluate` measures the held-out reals under each; `sbi.export --cap` can
bound the false alarms on the validation reals under each. Both use these
functions, so the condition an export caps is the one the card reports.
"""
from __future__ import annotations

from typing import Callable

import cv2
import numpy as np

from .blend import blend, face_polygon, jpeg, unsharp
from .video import video_frame


def low_light(image: np.ndarray) -> np.ndarray:
    """Underexposed and noisy: a darker gamma, under half the brightness, sensor noise (fixed seed)."""
    dark = (image.astype(np.float32) / 255.0) ** 1.6 * 0.45 * 255
    noisy = dark + np.random.default_rng(0).normal(0, 3, image.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def sharpened(image: np.ndarray) -> np.ndarray:
    """An unsharp mask (σ 1 px, amount 1), as phone cameras and photo apps sharpen: the training's pseudo-fakes paste
    sharpened faces too, and those are the ones the model misses most, so a sharpened real photo is a fair question."""
    return np.clip(unsharp(image.astype(np.float32), 1, 1), 0, 255).astype(np.uint8)


def skin_smoothed(colour_sigma: float, space_sigma: float) -> Callable[[np.ndarray], np.ndarray]:
    """A bilateral filter, as a camera's or app's beauty filter smooths skin while it keeps the edges of the eyes,
    mouth and face (σ in grey levels and in pixels of these ~200 px faces): blur alone raises false alarms
    (blur_sigma2), and a pseudo-fake is a smoothed face inside sharp outlines too."""
    return lambda image: cv2.bilateralFilter(image, 0, colour_sigma, space_sigma)


#: The whole face, brows to chin and out to the ears: the widest region face_hull draws, as a skin mask covers.
WHOLE_FACE = {"brow_lift": 0.8, "chin_drop": 0.75, "reach": 1.0}


def face_skin_smoothed(image: np.ndarray, keypoints: np.ndarray) -> np.ndarray:
    """skin_smoothed_strong inside the face alone, feathered over a twentieth of the photo's side, as a beauty
    filter's skin mask applies it: a smoothed face inside sharp outlines, which is what a pseudo-fake looks like and
    what whole-photo smoothing is not quite. It needs the face's keypoints: see FACE_CONDITIONS."""
    mask = np.zeros(image.shape[:2], np.float32)
    cv2.fillConvexPoly(mask, np.round(face_polygon(keypoints, **WHOLE_FACE)).astype(np.int32), 1.0)
    feather = int(0.05 * max(image.shape[:2])) * 2 + 1
    smoothed = REAL_PHOTO_CONDITIONS["skin_smoothed_strong"](image)
    return blend(smoothed, image, cv2.GaussianBlur(mask, (feather, feather), 0))


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
    "sharpened": sharpened,
    # Wrinkles and pores softened, as a beauty mode's default; and gone, as its strongest setting.
    "skin_smoothed_mild": skin_smoothed(20, 3),
    "skin_smoothed_strong": skin_smoothed(40, 6),
}

#: Name (as in metrics.json, after "real_") → a damage that needs the face's keypoints as well as the photo.
FACE_CONDITIONS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "skin_smoothed_face": face_skin_smoothed,
}

#: Both tables as one, each damage called with the photo and its face's keypoints (which only FACE_CONDITIONS read):
#: for the tools that measure held-out reals under every condition, so that none of them loops over each table apart.
HELD_OUT_CONDITIONS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    **{name: (lambda image, _keypoints, damage=damage: damage(image)) for name, damage in REAL_PHOTO_CONDITIONS.items()},
    **FACE_CONDITIONS,
}
