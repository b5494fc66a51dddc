"""Measures the app's "smoothed" mark (src/crop/quality.ts): what it marks, and which false alarms it explains.

  cd training && /usr/bin/python3 -m sbi.smooth_stats --model ../models/deepfake.onnx \\
      --utk-harvest ~/.cache/deepfake-check/faces-utk-pre-zoom.jsonl --utk ../../shared/data/faces-utk \\
      --dfdc-harvest ~/.cache/deepfake-check --dfdc ../../shared/data/dfdc-dev

A crop is marked "smoothed" when more than half its pixels' |Laplacian| is under SMOOTH_THRESHOLD (its median is
under it) and it is not already marked "blurry" (a blurred crop has lost its fine texture too, and "blurry" says
more). Real faces whose skin a beauty filter smoothed are the model's worst false alarms (sbi.damage's skin_smoothed
rows), and they keep the strong edges that the blur mark reads, so that mark misses them.

Prints the median's percentiles on sharp training-split crops (where the threshold was read), then, on held-out
faces: for real photos under each of sbi.damage's HELD_OUT_CONDITIONS, how many the app marks and
how many of those the model flags at 0.5 are marked; for the held-out self-blends (as sbi.evaluate builds them) and
dfdc-dev's real and fake faces, how many are marked and how often the model flags marked and unmarked faces.
dfdc-dev: evaluation only.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from .blur_stats import BLUR_VARIANCE_THRESHOLD, laplacian, median_abs_laplacian, share_under
from .damage import HELD_OUT_CONDITIONS
from .data import add_data_arguments, crop, dfdc_crops, dfdc_given, in_split, load_harvest, read_rgb
from .evaluate import THRESHOLD, held_out_blend
from .metrics import rate_interval, roc_auc
from .onnx_scores import score_crops

#: src/crop/quality.ts's SMOOTH_THRESHOLD: a crop whose median |Laplacian| is under it is marked "smoothed".
SMOOTH_THRESHOLD = 1.5


def marks(crops: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """For each crop, whether the app marks it "blurry", and whether it marks it "smoothed"."""
    details = [laplacian(c.astype(np.float64)) for c in crops]  # once per crop, as src/crop/quality.ts reads it
    blurry = np.array([d.var() < BLUR_VARIANCE_THRESHOLD for d in details])
    smoothed = np.array([share_under(d, SMOOTH_THRESHOLD) > 0.5 for d in details]) & ~blurry
    return blurry, smoothed


def share(hits: np.ndarray) -> str:
    """A share with its 95% interval; a dash for none."""
    if len(hits) == 0:
        return f"{'-':>22s}"
    low, high = rate_interval(int(hits.sum()), len(hits))
    return f"{hits.mean():6.1%} ({low:5.1%}-{high:5.1%})"


def print_reals(name: str, crops: list[np.ndarray], scores: np.ndarray) -> None:
    blurry, smoothed = marks(crops)
    flagged = scores >= THRESHOLD
    print(f"{name:26s} {share(smoothed)} {share(blurry)} {share(flagged)} {share(smoothed[flagged])} "
          f"{share((smoothed | blurry)[flagged])}")


def print_fakes(name: str, crops: list[np.ndarray], scores: np.ndarray) -> None:
    blurry, smoothed = marks(crops)
    flagged = scores >= THRESHOLD
    print(f"{name:26s} {share(smoothed)} {share(blurry)} {share(flagged)} {share(flagged[smoothed])} {share(flagged[~smoothed])}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True)
    add_data_arguments(parser)
    parser.add_argument("--train-count", type=int, default=1000, help="training-split crops for the percentiles")
    args = parser.parse_args(argv)

    records, _ = load_harvest(args.utk_harvest, args.utk)
    train = in_split(records, "train")
    picks = np.random.default_rng(0).choice(len(train), min(args.train_count, len(train)), replace=False)
    train_crops = [crop(read_rgb(train[i].file), train[i].box) for i in picks]
    medians = [median_abs_laplacian(c.astype(np.float64)) for c in train_crops]
    print(f"median |Laplacian| of {len(picks)} sharp training-split crops, percentiles 1 2 5 10 25 50: "
          + " ".join(f"{v:.2f}" for v in np.percentile(medians, [1, 2, 5, 10, 25, 50])))
    print(f"SMOOTH_THRESHOLD {SMOOTH_THRESHOLD}: {marks(train_crops)[1].mean():.1%} of them marked smoothed\n")

    test = in_split(records, "test")
    images = [read_rgb(r.file) for r in test]
    print(f"held-out real faces ({len(test)})  marked smoothed         marked blurry            flagged at {THRESHOLD}"
          "            flagged: marked smoothed  flagged: either mark")
    for name, damage in HELD_OUT_CONDITIONS.items():
        crops = [crop(damage(image, r.keypoints), r.box) for image, r in zip(images, test)]
        print_reals(name, crops, score_crops(args.model, np.stack(crops)))

    print(f"\nother faces                marked smoothed         marked blurry            flagged at {THRESHOLD}"
          "            flagged if smoothed      flagged if not smoothed")
    blends = [held_out_blend(image, r, i) for i, (image, r) in enumerate(zip(images, test))]
    print_fakes("held-out self-blends", blends, score_crops(args.model, np.stack(blends)))
    if not dfdc_given(args):
        print("dfdc-dev not found: skipping its faces", file=sys.stderr)
        return 0
    dfdc = {name: dfdc_crops(args.dfdc_harvest, args.dfdc, name)[0] for name in ("real", "fake")}
    dfdc_scores = {name: score_crops(args.model, np.stack(crops)) for name, crops in dfdc.items()}
    print_fakes("dfdc-dev real", dfdc["real"], dfdc_scores["real"])
    print_fakes("dfdc-dev fake", dfdc["fake"], dfdc_scores["fake"])
    labels = np.array([0] * len(dfdc["real"]) + [1] * len(dfdc["fake"]))
    scores = np.concatenate([dfdc_scores["real"], dfdc_scores["fake"]])
    smoothed = np.concatenate([marks(dfdc["real"])[1], marks(dfdc["fake"])[1]])
    print(f"\ndfdc-dev faces' AUC: all {roc_auc(labels, scores):.4f}, unmarked ones {roc_auc(labels[~smoothed], scores[~smoothed]):.4f}"
          f" ({(~smoothed).sum()} of {len(labels)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
