"""Measures the blur statistic of src/crop/quality.ts on training crops, to set its threshold.

  cd training && /usr/bin/python3 -m sbi.blur_stats --harvest ~/.cache/deepfake-check/faces-utk-pre-zoom.jsonl \
      --images ../../shared/data/faces-utk

Prints percentiles of the variance of the crop's 4-neighbour Laplacian, and the share of crops the app would mark
"blurry", for sharp photo crops, for the same crops blurred with a Gaussian of sigma 2, and for crops of the photos
under each of sbi.damage's hard conditions (applied to the photo before the crop, as sbi.evaluate applies them).
"""
import argparse
from pathlib import Path

import cv2
import numpy as np

from .damage import REAL_PHOTO_CONDITIONS
from .data import crop, load_harvest, read_rgb

#: src/crop/quality.ts's BLUR_VARIANCE_THRESHOLD: a crop under it is marked "blurry".
BLUR_VARIANCE_THRESHOLD = 8


def laplacian(rgb: np.ndarray) -> np.ndarray:
    """The 4-neighbour Laplacian of the luma inside the border, as src/crop/quality.ts computes it."""
    luma = rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114
    return luma[:-2, 1:-1] + luma[2:, 1:-1] + luma[1:-1, :-2] + luma[1:-1, 2:] - 4 * luma[1:-1, 1:-1]


def laplacian_variance(rgb: np.ndarray) -> float:
    return float(laplacian(rgb).var())


def median_abs_laplacian(rgb: np.ndarray) -> float:
    """The fine texture of the crop (pores, hair, noise): the variance above is ruled by a face's few strong edges,
    which a beauty filter keeps, while this median reads the many pixels between them, which it smooths away."""
    return float(np.median(np.abs(laplacian(rgb))))


def share_under(values: np.ndarray, limit: float) -> float:
    """The share of `values` (a crop's laplacian) whose magnitude is under `limit`: over a half when their median is,
    which is how src/crop/quality.ts's shareUnder reads the median without sorting."""
    return float(np.mean(np.abs(values) < limit))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--harvest", type=Path, required=True)
    parser.add_argument("--images", type=Path, required=True)
    parser.add_argument("--count", type=int, default=400)
    args = parser.parse_args()
    records, _ = load_harvest(args.harvest, args.images)
    picks = np.random.default_rng(0).choice(len(records), args.count, replace=False)
    photos = [read_rgb(records[i].file) for i in picks]
    crops = [crop(photo, records[i].box) for photo, i in zip(photos, picks)]
    rows = {"sharp": crops, "sigma 2": [cv2.GaussianBlur(c, (0, 0), 2) for c in crops]}
    for name, damage in REAL_PHOTO_CONDITIONS.items():
        if name != "clean":
            rows[f"photo {name}"] = [crop(damage(photo), records[i].box) for photo, i in zip(photos, picks)]
    print(f"{'percentile':28s}    1     5    10    25    50    90    99   blurry (< {BLUR_VARIANCE_THRESHOLD})")
    for name, row in rows.items():
        values = [laplacian_variance(c.astype(np.float64)) for c in row]
        blurry = np.mean(np.array(values) < BLUR_VARIANCE_THRESHOLD)
        print(f"{name:28s}" + "".join(f"{v:6.1f}" for v in np.percentile(values, [1, 5, 10, 25, 50, 90, 99])) + f"   {blurry:6.1%}")


if __name__ == "__main__":
    main()
