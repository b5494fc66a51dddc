"""How far a face's score moves when its box moves a little, and whether the mean over a few moved boxes ranks better.

  cd training && /usr/bin/python3 -m sbi.box_moves --model ../models/deepfake.onnx \
      --utk-harvest ~/.cache/deepfake-check/faces-utk-pre-zoom.jsonl --utk ../../shared/data/faces-utk \
      --dfdc-harvest ~/.cache/deepfake-check --dfdc ../../shared/data/dfdc-dev --views 4 --out /tmp/box-moves.json

BlazeFace's box for one face moves by a few percent between framings of the
same photo (a resize, a tile, a video frame), and the crop moves with it.
Each face here is cropped from its own box and from `--views` boxes moved
within the spread training jitters boxes by (data.jitter: centre up to 4% of
the side, size up to 6%), seeded per face. The report gives, per set, how far
a moved box's score lies from the box's own (mean, 95th percentile, how
often it crosses 0.5), and the AUC of the box's own score against the mean
logit over it and its moved boxes, paired. dfdc-dev is used for evaluation
only: nothing here picks training data or weights.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from .data import FaceRecord, add_data_arguments, crop, dfdc_faces, dfdc_given, in_split, load_harvest, moved_boxes, read_rgb
from .evaluate import THRESHOLD, held_out_self_blend
from .export import logits_of
from .metrics import paired_auc_difference, roc_auc, score_moves
from .onnx_scores import score_crops


def views_of(images: list[np.ndarray], records: list[FaceRecord], count: int) -> np.ndarray:
    """(1 + count, faces, size, size, 3): each face cropped from its own box, then from each moved box."""
    boxes = [[r.box, *moved_boxes(r.box, i, count)] for i, r in enumerate(records)]
    return np.stack([np.stack([crop(image, face_boxes[view]) for image, face_boxes in zip(images, boxes)])
                     for view in range(1 + count)])


def mean_logit(probabilities: np.ndarray) -> np.ndarray:
    """The probability of the mean logit over axis 0: how the graph averages a face and its mirror image."""
    return 1 / (1 + np.exp(-logits_of(probabilities, scale=1.0, bias=0.0).mean(axis=0)))


def moves_report(scores: np.ndarray) -> dict:
    """Score moves of (views, faces) scores: every moved view against view 0, the box's own."""
    own = np.broadcast_to(scores[0], scores[1:].shape).ravel()
    return score_moves(own, scores[1:].ravel(), THRESHOLD)


def ranking_report(labels: np.ndarray, scores: np.ndarray) -> dict:
    """AUC of the box's own score, of the mean over all views, and their paired difference."""
    averaged = mean_logit(scores)
    difference, low, high = paired_auc_difference(labels, scores[0], averaged)
    return {"auc_own_box": roc_auc(labels, scores[0]), "auc_mean_of_views": roc_auc(labels, averaged),
            "difference": difference, "difference_95": [low, high]}


def score_views(model: Path, views: np.ndarray) -> np.ndarray:
    count, faces = views.shape[:2]
    return score_crops(model, views.reshape(count * faces, *views.shape[2:])).reshape(count, faces)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True)
    add_data_arguments(parser)
    parser.add_argument("--views", type=int, default=4, help="moved boxes per face")
    parser.add_argument("--limit", type=int, default=0, help="faces per set (0: all)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)

    records, _ = load_harvest(args.utk_harvest, args.utk)
    test = in_split(records, "test")[: args.limit or None]
    images = [read_rgb(r.file) for r in test]
    blends = [held_out_self_blend(image, r, i) for i, (image, r) in enumerate(zip(images, test))]
    real = score_views(args.model, views_of(images, test, args.views))
    fake = score_views(args.model, views_of(blends, test, args.views))
    labels = np.array([0] * len(test) + [1] * len(test))
    report: dict = {"model": str(args.model), "views": args.views, "threshold": THRESHOLD,
                    "heldout_real_moves": moves_report(real), "heldout_sbi_moves": moves_report(fake),
                    "heldout_sbi_ranking": ranking_report(labels, np.concatenate([real, fake], axis=1))}

    if dfdc_given(args):
        sets = {}
        for name in ("real", "fake"):
            faces = dfdc_faces(args.dfdc_harvest, args.dfdc, name)[0][: args.limit or None]
            sets[name] = score_views(args.model, views_of([read_rgb(r.file) for r in faces], faces, args.views))
            report[f"dfdc_{name}_moves"] = moves_report(sets[name])
        # Faces found only: an image without one scores 0 whatever its box would have been.
        dfdc_labels = np.array([0] * sets["real"].shape[1] + [1] * sets["fake"].shape[1])
        report["dfdc_faces_found_ranking"] = ranking_report(dfdc_labels, np.concatenate([sets["real"], sets["fake"]], axis=1))
    else:
        print("dfdc-dev not found: skipping its rows", file=sys.stderr)

    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
