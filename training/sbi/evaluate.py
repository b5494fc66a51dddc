"""Measures a shipped ONNX model: held-out pseudo-fakes, real deepfakes, hard real faces, stability.

  cd training && /usr/bin/python3 -m sbi.evaluate --model ../models/deepfake.onnx \
      --utk-harvest ~/.cache/deepfake-check/faces-utk.jsonl --utk ../../shared/data/faces-utk \
      --dfdc-harvest ~/.cache/deepfake-check --dfdc ../../shared/data/dfdc-dev --out ../models/metrics.json

Several models (`--model A.onnx B.onnx --out A.json B.json`) are measured on
the same crops, built once (blends, damage, video coding): three seeds' files
took 7.6 minutes here in one pass, which matters when recipes are judged by
many seeds.

Crops are cut with the app's crop rule from the app's own face boxes
(training/harvest); scores come from onnxruntime-node running the ONNX file
(training/score_onnx.mjs). dfdc-dev images where the app finds no face score
0, as in the app. dfdc-dev is used for evaluation only.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np
import onnx

from .blend import jpeg, self_blend
from .blur_stats import laplacian_variance
from .damage import HELD_OUT_CONDITIONS
from .data import FaceRecord, add_data_arguments, crop, dfdc_crops, dfdc_given, in_split, load_harvest, make_sample, moved_boxes, read_rgb
from .metrics import auc_interval, quantile_groups, rate_interval, roc_auc, score_moves, visible_change, within_strata
from .onnx_scores import first_view_file, score_crops_and_views, second_view_from

THRESHOLD = 0.5
HARD_CONDITIONS = [name for name in HELD_OUT_CONDITIONS if name != "clean"]  # each gets its own held-out row


def held_out_self_blend(image: np.ndarray, record: FaceRecord, index: int, **options) -> np.ndarray:
    """The held-out pseudo-fake of the `index`-th test face, the whole photo: self_blend with `options`, seeded
    [7, index], so that every measurement built from it (these rows, sbi.smooth_stats, sbi.box_moves' moved boxes,
    sbi.cut_faces' cut pictures) shows the same blends."""
    return self_blend(image, record.keypoints, np.random.default_rng([7, index]), **options)[0]


def held_out_blend(image: np.ndarray, record: FaceRecord, index: int, **options) -> np.ndarray:
    """held_out_self_blend as the app would crop it."""
    return crop(held_out_self_blend(image, record, index, **options), record.box)


def utk_age(record: FaceRecord) -> int | None:
    try:
        return int(record.file.name.split("_")[0])
    except ValueError:
        return None


def half_size(image: np.ndarray, record: FaceRecord) -> np.ndarray:
    small = cv2.resize(image, (image.shape[1] // 2, image.shape[0] // 2), interpolation=cv2.INTER_AREA)
    box = {k: v / 2 for k, v in record.box.items() if k in ("x", "y", "width", "height")}
    return crop(small, box)


class CropSet:
    """Crops in groups, with labels; scored in one pass."""

    def __init__(self):
        self.crops: list[np.ndarray] = []
        self.groups: dict[str, tuple[int, int, list[int]]] = {}

    def add(self, name: str, crops: list[np.ndarray], labels: list[int]) -> None:
        start = len(self.crops)
        self.crops.extend(crops)
        self.groups[name] = (start, len(self.crops), labels)

    def crops_of(self, name: str) -> list[np.ndarray]:
        start, end, _ = self.groups[name]
        return self.crops[start:end]

    def score(self, model: Path) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], dict[str, np.ndarray]]:
        """Each set's scores and labels, and how many views each of its faces took."""
        scores, views = score_crops_and_views(model, np.stack(self.crops))
        return ({name: (scores[a:b], np.array(labels)) for name, (a, b, labels) in self.groups.items()},
                {name: views[a:b] for name, (a, b, _) in self.groups.items()})


def rates(scores: np.ndarray, labels: np.ndarray) -> dict:
    """Accuracy, error rates and AUC at THRESHOLD, each rate and the AUC with its 95% interval (`*_95`: [low, high])."""
    predicted = scores >= THRESHOLD
    real, fake = labels == 0, labels == 1
    out = {"count": int(len(labels)), "accuracy": float((predicted == fake).mean())}
    if real.any():
        out["false_positive_rate"] = float(predicted[real].mean())
        out["false_positive_rate_95"] = list(rate_interval(int(predicted[real].sum()), int(real.sum())))
    if fake.any():
        out["false_negative_rate"] = float((~predicted[fake]).mean())
        out["false_negative_rate_95"] = list(rate_interval(int((~predicted[fake]).sum()), int(fake.sum())))
    if real.any() and fake.any():
        out["auc"] = roc_auc(labels, scores)
        out["auc_95"] = list(auc_interval(labels, scores))
    out["mean_score"] = float(scores.mean())
    return out


def reals_against_fakes(reals: np.ndarray, fakes: np.ndarray) -> dict:
    return rates(np.concatenate([reals, fakes]), np.array([0] * len(reals) + [1] * len(fakes)))


def report_of(model: Path, sets: CropSet, ages: list[int | None], dfdc_faceless: dict[int, int], dfdc_sharpness: np.ndarray | None,
              transforms: list[list[str]]) -> dict:
    """Scores every crop set with `model` and turns the scores into the metrics.json report; `dfdc_sharpness`
    (dfdc_sharpness_of, the same for every model) sets the dfdc-dev rows beside the crops' softness, and
    `transforms` (each held-out blend's, from self_blend) splits the held-out blends by what made them."""
    scored, views = sets.score(model)
    report: dict = {"model": str(model), "threshold": THRESHOLD, "test_faces": len(ages)}
    real = scored["real_test"][0]
    report["sbi_heldout"] = reals_against_fakes(real, scored["sbi_test"][0])
    # The held-out blends are cut from the same box as their real photos (no jitter, no mirror), so each
    # fake's crop lines up with its real one's pixel for pixel: what a blend changed is measurable.
    change = visible_change(np.stack(sets.crops_of("real_test")), np.stack(sets.crops_of("sbi_test")))
    report["sbi_heldout_by_change"] = by_measure(real, scored["sbi_test"][0], change)
    report["sbi_heldout_by_transform"] = by_kind(real, scored["sbi_test"][0], ["+".join(sorted(names)) for names in transforms])
    report["sbi_heldout_colour_matched"] = reals_against_fakes(real, scored["sbi_test_colour_matched"][0])
    report["sbi_heldout_degraded"] = reals_against_fakes(scored["real_test_degraded"][0], scored["sbi_test_degraded"][0])
    report["real_faces"] = rates(real, np.zeros(len(real)))
    for name in HARD_CONDITIONS:
        report[f"real_{name}"] = rates(scored[f"real_{name}"][0], np.zeros(len(real)))
    for group, keep in (("real_children_under_13", lambda a: a is not None and a < 13), ("real_elderly_60_plus", lambda a: a is not None and a >= 60)):
        mask = np.array([keep(a) for a in ages])
        if mask.any():
            report[group] = rates(real[mask], np.zeros(mask.sum()))
    for name in ("real_jpeg_q40", "real_half_size", "real_box_moved"):
        report[f"stability_{name.removeprefix('real_')}"] = score_moves(real, scored[name][0], THRESHOLD)
    if "dfdc_real" in scored:
        # Images where the app finds no face score 0, exactly as the app answers them.
        scores = np.concatenate([scored["dfdc_real"][0], np.zeros(dfdc_faceless[0]), scored["dfdc_fake"][0], np.zeros(dfdc_faceless[1])])
        labels = np.concatenate([np.zeros(len(scored["dfdc_real"][0]) + dfdc_faceless[0]), np.ones(len(scored["dfdc_fake"][0]) + dfdc_faceless[1])])
        report["dfdc_dev"] = rates(scores, labels) | {"no_face_real": dfdc_faceless[0], "no_face_fake": dfdc_faceless[1]}
        with_faces = np.concatenate([scored["dfdc_real"][0], scored["dfdc_fake"][0]])
        face_labels = np.concatenate([np.zeros(len(scored["dfdc_real"][0])), np.ones(len(scored["dfdc_fake"][0]))])
        report["dfdc_dev_faces_found"] = rates(with_faces, face_labels)
        report["dfdc_dev_softness_alone"] = softness_alone(face_labels, dfdc_sharpness)
        report["dfdc_dev_within_sharpness"] = within_strata(face_labels, with_faces, dfdc_sharpness)
    if second_view_from(onnx.load(str(model))) is not None:
        # What the file's time per face depends on: the share of each set's faces it also looked at mirrored.
        report["second_view_share"] = {name: float((taken == 2).mean()) for name, taken in views.items()}
    return report


def fakes_row(real: np.ndarray, fakes: np.ndarray) -> dict:
    """reals_against_fakes for a group of fakes against every real face, with the group's size (`fakes`)."""
    return reals_against_fakes(real, fakes) | {"fakes": len(fakes)}


def by_kind(real: np.ndarray, fakes: np.ndarray, kinds: list[str]) -> dict:
    """A fakes_row for the fakes of each kind, kinds in alphabetical order."""
    kinds_array = np.array(kinds)
    return {kind: fakes_row(real, fakes[kinds_array == kind]) for kind in sorted(set(kinds))}


def by_measure(real: np.ndarray, fakes: np.ndarray, measure: np.ndarray, groups: int = 4) -> list[dict]:
    """A fakes_row for each of `groups` equal groups of the fakes by `measure` (one value per fake), lowest first,
    with its range: whether a model misses the faint blends or the strong ones, say."""
    return [{"from": float(measure[pick].min()), "to": float(measure[pick].max())} | fakes_row(real, fakes[pick])
            for pick in quantile_groups(measure, groups)]


def dfdc_sharpness_of(sets: CropSet) -> np.ndarray:
    """The Laplacian variance of every dfdc-dev crop with a face, reals then fakes (the order of report_of's rows)."""
    return np.array([laplacian_variance(c.astype(np.float32)) for name in ("real", "fake") for c in sets.crops_of(f"dfdc_{name}")])


def softness_alone(labels: np.ndarray, sharpness: np.ndarray) -> dict:
    """A model-free reference: how well the crop's softness alone ranks dfdc-dev's faces (softer = fake),
    over all of them and within each quarter of sharpness (as dfdc_dev_within_sharpness ranks the model)."""
    return {
        "auc": roc_auc(labels, -sharpness),
        "median_sharpness_real": float(np.median(sharpness[labels == 0])),
        "median_sharpness_fake": float(np.median(sharpness[labels == 1])),
        "within_sharpness": within_strata(labels, -sharpness, sharpness),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, nargs="+", required=True, help="ONNX files, each measured on the same crops")
    add_data_arguments(parser)
    parser.add_argument("--limit", type=int, default=0, help="test faces to use (0: all)")
    parser.add_argument("--out", type=Path, nargs="+", help="where each model's report goes, in --model's order")
    parser.add_argument("--first-view", action="store_true", help="measure each file that looks at a face's mirror image only "
                        "from a cut (sbi.second_view) on every face's first view alone, its mirror image never scored: what one "
                        "run per face would give")
    args = parser.parse_args(argv)
    if args.out and len(args.out) != len(args.model):
        parser.error(f"--out names {len(args.out)} files for {len(args.model)} models")
    for model in args.model if args.first_view else []:
        if second_view_from(onnx.load(str(model))) is None:
            parser.error(f"--first-view: {model} has no cut, so no first view alone to measure")

    records, _ = load_harvest(args.utk_harvest, args.utk)
    test = in_split(records, "test")
    if args.limit:
        test = test[: args.limit]
    images = [read_rgb(r.file) for r in test]
    sets = CropSet()
    clean_real = [crop(image, r.box) for image, r in zip(images, test)]
    sets.add("real_test", clean_real, [0] * len(test))
    # make_sample's held-out blends (test_blend checks they are the same), built from self_blend here to learn
    # which of mismatch's transforms each blend's pasted face went through.
    transforms: list[list[str]] = [[] for _ in test]
    sets.add("sbi_test", [held_out_blend(image, r, i, applied=transforms[i]) for i, (image, r) in enumerate(zip(images, test))],
             [1] * len(test))
    # The same blends (same seeds) with the pasted face's colour matched to its surroundings: what is left is texture.
    sets.add("sbi_test_colour_matched", [held_out_blend(image, r, i, colour_match=True) for i, (image, r) in enumerate(zip(images, test))],
             [1] * len(test))
    sets.add("sbi_test_degraded", [make_sample(image, r, True, np.random.default_rng([8, i]), augment=True) for i, (image, r) in enumerate(zip(images, test))], [1] * len(test))
    sets.add("real_test_degraded", [make_sample(image, r, False, np.random.default_rng([9, i]), augment=True) for i, (image, r) in enumerate(zip(images, test))], [0] * len(test))
    for name in HARD_CONDITIONS:
        damage = HELD_OUT_CONDITIONS[name]
        sets.add(f"real_{name}", [crop(damage(image, r.keypoints), r.box) for image, r in zip(images, test)], [0] * len(test))
    sets.add("real_jpeg_q40", [crop(jpeg(image, 40), r.box) for image, r in zip(images, test)], [0] * len(test))
    sets.add("real_half_size", [half_size(image, r) for image, r in zip(images, test)], [0] * len(test))
    sets.add("real_box_moved", [crop(image, moved_boxes(r.box, i, 1)[0]) for i, (image, r) in enumerate(zip(images, test))], [0] * len(test))
    ages = [utk_age(r) for r in test]

    dfdc_faceless = {0: 0, 1: 0}
    if dfdc_given(args):
        for label, name in ((0, "real"), (1, "fake")):
            crops, dfdc_faceless[label] = dfdc_crops(args.dfdc_harvest, args.dfdc, name)
            sets.add(f"dfdc_{name}", crops, [label] * len(crops))
    else:
        print("dfdc-dev not found: skipping the real-deepfake evaluation", file=sys.stderr)

    dfdc_sharpness = dfdc_sharpness_of(sets) if "dfdc_real" in sets.groups else None
    for model, out in zip(args.model, args.out or [None] * len(args.model)):
        with tempfile.TemporaryDirectory() as folder:
            measured = first_view_file(model, Path(folder)) if args.first_view else model
            report = report_of(measured, sets, ages, dfdc_faceless, dfdc_sharpness, transforms)
        if args.first_view:
            report["model"] = f"{model}, first view alone"
        text = json.dumps(report, indent=2)
        print(text)
        if out:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
