"""Compares exported models on dfdc-dev's faces found, pairwise against the first, with bootstrap intervals.

  cd training && /usr/bin/python3 -m sbi.compare --dfdc-harvest ~/.cache/deepfake-check --dfdc ../../shared/data/dfdc-dev \
      ../models/deepfake.onnx /tmp/candidate/deepfake.onnx

`A.onnx+B.onnx` stands for the two files together (onnx_scores.score_together:
the mean of their calibrated logits).

A difference of 0.01 in AUC on 2,000 images is within each model's own
uncertainty; scored on the same images, the pair's difference is known much
more tightly. Evaluation only: dfdc-dev never picks training data.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .blend import jpeg
from .damage import as_it_is
from .data import dfdc_crops
from .metrics import paired_auc_difference, roc_auc
from .onnx_scores import first_view_file, score_crops, score_mirror_images, score_together


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dfdc-harvest", type=Path, required=True, help="folder with dfdc-real.jsonl and dfdc-fake.jsonl")
    parser.add_argument("--dfdc", type=Path, required=True, help="dfdc-dev folder with real/ and fake/")
    parser.add_argument("--mirror", action="store_true",
                        help="also score each model as the mean over each crop and its mirror image, against itself plain")
    parser.add_argument("--jpeg", type=int, metavar="QUALITY", help="also score each model on the same faces cut from their "
                        "images saved again as JPEG at QUALITY (at the boxes found in the images as they are), against itself "
                        "on the images as they are: how much of its ranking survives a deepfake being re-shared")
    parser.add_argument("--first-view", action="store_true", help="also score each file that looks at a face's mirror image "
                        "only from a cut (sbi.second_view) on the face alone, one run each, against itself as the page scores "
                        "it (what the second view adds on real swaps) and, after the first file, against the first file: "
                        "whether one run of a candidate does what the first does")
    parser.add_argument("models", nargs="+", help="ONNX files, or files joined by + to score together; each is compared with the first")
    args = parser.parse_args(argv)
    if args.jpeg is not None and not 1 <= args.jpeg <= 100:
        parser.error("--jpeg: a quality from 1 to 100")
    crops, labels = faces_found(args.dfdc_harvest, args.dfdc)
    scores = [score_named(model, crops) for model in args.models]
    print(f"dfdc-dev, {len(labels)} images with a face found")
    print(f"{args.models[0]}: AUC {roc_auc(labels, scores[0]):.4f}")
    for model, model_scores in zip(args.models[1:], scores[1:]):
        print(f"{model}: {against(labels, scores[0], model_scores, 'the first')}")
    if args.mirror:
        for model, plain in zip(args.models, scores):
            mirrored = (plain + score_mirror_images(Path(model), crops)) / 2
            print(f"{model}, mirror-averaged: {against(labels, plain, mirrored, 'itself plain')}")
    if args.first_view:
        for index, (model, plain) in enumerate(zip(args.models, scores)):
            with tempfile.TemporaryDirectory() as folder:
                path = first_view_file(Path(model), Path(folder)) if "+" not in model else None
                if path is None:
                    print(f"{model}: no cut, so no first view alone to score")
                    continue
                alone = score_crops(path, crops)
            print(f"{model}, first view alone: {against(labels, plain, alone, 'itself as the page scores it')}")
            if index:
                print(f"{model}, first view alone: {against(labels, scores[0], alone, 'the first')}")
    if args.jpeg is not None:
        recompressed, _ = faces_found(args.dfdc_harvest, args.dfdc, lambda image: jpeg(image, args.jpeg))
        for model, plain in zip(args.models, scores):
            print(f"{model}, images saved again at JPEG q{args.jpeg}: "
                  f"{against(labels, plain, score_named(model, recompressed), 'the images as they are')}")
    return 0


def faces_found(harvest: Path, folder: Path, photo: Callable[[np.ndarray], np.ndarray] = as_it_is) -> tuple[np.ndarray, np.ndarray]:
    """dfdc-dev's crops, real ones first, each cut from `photo` of its image (dfdc_crops), and their labels."""
    real, _ = dfdc_crops(harvest, folder, "real", photo)
    fake, _ = dfdc_crops(harvest, folder, "fake", photo)
    return np.stack(real + fake), np.array([0] * len(real) + [1] * len(fake))


def score_named(name: str, crops: np.ndarray) -> np.ndarray:
    """The scores of the file `name` names, or of the files `A+B+...` together."""
    files = [Path(part) for part in name.split("+")]
    return score_crops(files[0], crops) if len(files) == 1 else score_together(files, crops)


def against(labels: np.ndarray, reference: np.ndarray, candidate: np.ndarray, reference_name: str) -> str:
    difference, low, high = paired_auc_difference(labels, reference, candidate)
    return (f"AUC {roc_auc(labels, candidate):.4f}, {difference:+.4f} against {reference_name} "
            f"(95% paired bootstrap {low:+.4f} to {high:+.4f})")


if __name__ == "__main__":
    sys.exit(main())
