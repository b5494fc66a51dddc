"""Twin of src/crop/geometry.ts and src/crop/resample.ts.

Training crops must equal the app's inference crops, so this reimplements
the app's crop rule and its triangle-filter resampler step for step (float64,
the same tap order and rounding); test_crop.py proves both produce the
fixture in test/fixtures/crop-cases.json.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

CROP_MARGIN = 1.0
CLASSIFIER_INPUT_SIZE = 160


@dataclass(frozen=True)
class CropSquare:
    x: float
    y: float
    side: float


def _place(start: float, side: float, length: int) -> float:
    if side > length:
        return start
    return min(max(start, 0.0), length - side)


# See cutByEdge in geometry.ts.
EDGE_TOLERANCE = 0.02
TIGHT_CROP_SHARE = 0.5


def cut_by_edge(box: dict, image_width: int, image_height: int) -> bool:
    """Whether a face box meets the picture's edge while under half its side; see cutByEdge in geometry.ts."""
    tolerance = EDGE_TOLERANCE * max(box["width"], box["height"])

    def meets(start: float, length: float, limit: int) -> bool:
        return length < TIGHT_CROP_SHARE * limit and (start <= tolerance or start + length >= limit - tolerance)

    return meets(box["x"], box["width"], image_width) or meets(box["y"], box["height"], image_height)


def keypoint_centre(keypoints: list[dict]) -> tuple[float, float]:
    """Halfway between the eyes' midpoint and the mouth (BlazeFace's keypoints 0, 1 and 3); see keypointCentre."""
    right_eye, left_eye, mouth = keypoints[0], keypoints[1], keypoints[3]
    return (((right_eye["x"] + left_eye["x"]) / 2 + mouth["x"]) / 2, ((right_eye["y"] + left_eye["y"]) / 2 + mouth["y"]) / 2)


def crop_square(box: dict, image_width: int, image_height: int, margin: float = CROP_MARGIN) -> CropSquare:
    """The square around a face box (x, y, width, height in pixels, and "keypoints" where known); see cropSquare in
    geometry.ts: a face cut by the picture's edge is centred on its keypoints and not moved inside the picture."""
    side = margin * max(box["width"], box["height"])
    if len(box.get("keypoints") or []) >= 4 and cut_by_edge(box, image_width, image_height):
        x, y = keypoint_centre(box["keypoints"])
        return CropSquare(x=x - side / 2, y=y - side / 2, side=side)
    return CropSquare(
        x=_place(box["x"] + box["width"] / 2 - side / 2, side, image_width),
        y=_place(box["y"] + box["height"] / 2 - side / 2, side, image_height),
        side=side,
    )


def axis_weights(start: float, side: float, size: int, length: int) -> np.ndarray:
    """Dense (size x length) matrix of the filter taps along one axis, edge indexes clamped."""
    scale = side / size
    support = max(1.0, scale)
    centers = start + (np.arange(size) + 0.5) * scale
    firsts = np.floor(centers - support).astype(np.int64)
    width = int(np.max(np.ceil(centers + support).astype(np.int64) - firsts)) + 1
    taps = firsts[:, None] + np.arange(width)[None, :]
    weights = np.maximum(0.0, 1.0 - np.abs(taps + 0.5 - centers[:, None]) / support)
    # Taps past each sample's own last index get weight 0 from the triangle, like the TS loop that stops there.
    weights /= weights.sum(axis=1, keepdims=True)
    matrix = np.zeros((size, length), dtype=np.float64)
    np.add.at(matrix, (np.repeat(np.arange(size), width), np.clip(taps, 0, length - 1).ravel()), weights.ravel())
    return matrix


def resample_square(image: np.ndarray, square: CropSquare, size: int = CLASSIFIER_INPUT_SIZE) -> np.ndarray:
    """(size, size, 3) uint8 crop of an (H, W, 3 or 4) uint8 RGB(A) image."""
    height, width = image.shape[:2]
    columns = axis_weights(square.x, square.side, size, width)
    rows = axis_weights(square.y, square.side, size, height)
    channels = torch.from_numpy(np.moveaxis(image[..., :3], -1, 0).astype(np.float64))  # (3, H, W)
    # torch's matmul: Debian's numpy links the reference BLAS, 15x slower here.
    out = (torch.from_numpy(rows) @ (channels @ torch.from_numpy(columns).T)).numpy()  # (3, size, size)
    return np.clip(np.floor(np.moveaxis(out, 0, -1) + 0.5), 0, 255).astype(np.uint8)


def resample_plane(plane: np.ndarray, square: CropSquare, size: int) -> np.ndarray:
    """(size, size) float64 of an (H, W) float plane, filtered as resample_square filters pixels but not rounded:
    a training target (the blend boundary over a crop), not pixels the app ever sees."""
    height, width = plane.shape
    return axis_weights(square.y, square.side, size, height) @ plane.astype(np.float64) @ axis_weights(square.x, square.side, size, width).T


def synthetic_image(width: int, height: int) -> np.ndarray:
    """The deterministic RGBA test pattern that the crop fixture is cut from (same formula in TS)."""
    y, x = np.mgrid[0:height, 0:width]
    r = (x * 7 + y * 3) % 256
    g = (x * x + y * 11) % 256
    b = ((x // 4) * 40 + (y // 4) * 90) % 256
    a = np.full_like(r, 255)
    return np.stack([r, g, b, a], axis=-1).astype(np.uint8)
