"""Measures the blur statistic of src/crop/quality.ts on training crops, to set its threshold.

  cd training && /usr/bin/python3 -m sbi.blur_stats --harvest ~/.cache/deepfake-check/faces-utk.jsonl \
      --images ../../shared/data/faces-utk

Prints percentiles of the variance of the crop's 4-neighbour Laplacian for
sharp photo crops and for the same crops blurred with a Gaussian of sigma 2.
"""
import argparse
from pathlib import Path

import cv2
import numpy as np

from .data import crop, load_harvest, read_rgb


def laplacian_variance(rgb: np.ndarray) -> float:
    luma = rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114
    lap = luma[:-2, 1:-1] + luma[2:, 1:-1] + luma[1:-1, :-2] + luma[1:-1, 2:] - 4 * luma[1:-1, 1:-1]
    return float(lap.var())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--harvest", type=Path, required=True)
    parser.add_argument("--images", type=Path, required=True)
    parser.add_argument("--count", type=int, default=400)
    args = parser.parse_args()
    records, _ = load_harvest(args.harvest, args.images)
    picks = np.random.default_rng(0).choice(len(records), args.count, replace=False)
    crops = [crop(read_rgb(records[i].file), records[i].box) for i in picks]
    sharp = [laplacian_variance(c.astype(np.float64)) for c in crops]
    blurred = [laplacian_variance(cv2.GaussianBlur(c, (0, 0), 2).astype(np.float64)) for c in crops]
    print("percentile    1     5    10    25    50    90    99")
    for name, values in (("sharp", sharp), ("sigma 2", blurred)):
        print(f"{name:9s}" + "".join(f"{v:6.1f}" for v in np.percentile(values, [1, 5, 10, 25, 50, 90, 99])))


if __name__ == "__main__":
    main()
