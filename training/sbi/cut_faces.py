"""How faces cut by the picture's edge score, under the app's crop rule and the one before it.

Held-out real faces and their held-out self-blended fakes (sbi.evaluate's, same seeds) are set on a grey canvas
CANVAS times the photo's side, so that the face is a third of the picture as in a video frame, and the canvas is
cut at the top, the left, the right or the bottom through a share of the face's box (the box found in the photo alone). The
app's own detector finds the faces in every picture (training/harvest, in headless Chromium), and each face is cropped
two ways: by the app's rule (sbi.crop.crop_square: a face whose box meets the edge is centred on its eyes and mouth,
not moved inside the picture) and by the rule before it (the box's square moved inside the picture). Pictures where
no face is found score 0, as the app answers them. Each cut also reports how much of the found box the detector
placed past the picture's edge (it sees the picture beside grey there); and it scores the app's crops again as if
faces failing one of three judges were not judged (scored 0), with how many faces each keeps: a box more than
--max-outside past the edge; an eye past it; the first, or an eye past the left or right edge (the app's rule since
2026-12-06, sbi.data.judged_by_app: past a side edge the box is guessed short).

  cd training && /usr/bin/python3 -m sbi.cut_faces --utk-harvest ~/.cache/deepfake-check/faces-utk-pre-zoom.jsonl \\
      --utk ../../shared/data/faces-utk --model ../models/deepfake.onnx --limit 300 --out cut-faces.json [--edges left right] [--shares 0.3]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

from .crop import CLASSIFIER_INPUT_SIZE, crop_square, cut_by_edge, resample_square
from .data import MAX_SHARE_OUTSIDE, FaceRecord, in_split, judged_by_app, load_harvest, read_rgb, share_outside
from .evaluate import THRESHOLD, held_out_self_blend
from .metrics import roc_auc
from .onnx_scores import REPO, score_crops

#: The canvas's side in multiples of the photo's: the face, about the whole 200 px photo, is then a quarter of it.
CANVAS = 4
GREY = 128
EDGES = ("top", "left", "right", "bottom")
SHARES = (0.15, 0.3, 0.4, 0.5)
#: The app's crop rule, and the one before it.
RULES = ("app", "before")
#: Rules for which found faces the app might leave unjudged (scored 0, as if not found), each read on the app's
#: crops: those whose box lies more than --max-outside past the picture's edge; those with an eye past it; those
#: failing the first or with an eye past the left or right edge.
JUDGES = ("box within", "eyes inside", "box within, eyes inside at the sides")


def cuts(edges: tuple[str, ...], shares: tuple[float, ...] = SHARES) -> list[tuple[str, float]]:
    """The uncut picture, then each of `edges` cut through each of `shares`."""
    return [("none", 0.0)] + [(edge, share) for edge in edges for share in shares]


def placed(photo: np.ndarray) -> tuple[np.ndarray, int, int]:
    """`photo` in the middle of a grey canvas CANVAS times its size, and where its top left corner lies."""
    height, width = photo.shape[:2]
    canvas = np.full((height * CANVAS, width * CANVAS, 3), GREY, np.uint8)
    top, left = (canvas.shape[0] - height) // 2, (canvas.shape[1] - width) // 2
    canvas[top:top + height, left:left + width] = photo
    return canvas, top, left


def cut_picture(canvas: np.ndarray, box: dict, edge: str, share: float) -> np.ndarray:
    """`canvas` without what lies above (edge 'top'), left of ('left'), right of ('right') or below ('bottom') the line
    `share` of the way into `box` from that side."""
    if edge == "top":
        return canvas[int(round(box["y"] + share * box["height"])):]
    if edge == "left":
        return canvas[:, int(round(box["x"] + share * box["width"])):]
    if edge == "right":
        return canvas[:, :int(round(box["x"] + (1 - share) * box["width"]))]
    if edge == "bottom":
        return canvas[:int(round(box["y"] + (1 - share) * box["height"]))]
    return canvas


def old_rule_square(box: dict, width: int, height: int):
    """The crop rule before faces cut by the edge were centred on their keypoints: the box alone."""
    return crop_square({key: box[key] for key in ("x", "y", "width", "height")}, width, height)


def eyes_inside(keypoints: np.ndarray, width: int, height: int) -> bool:
    """Whether both of BlazeFace's eye keypoints (its first two) lie inside the picture."""
    eyes = keypoints[:2]
    return bool(((eyes[:, 0] >= 0) & (eyes[:, 0] < width) & (eyes[:, 1] >= 0) & (eyes[:, 1] < height)).all())


def harvest(folder: Path) -> Path:
    out = folder.parent / f"{folder.name}.jsonl"  # not with_suffix: "top-0.15" would become "top-0.jsonl"
    subprocess.run(["node", str(REPO / "training" / "harvest" / "harvest.mjs"), "--dir", str(folder), "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    return out


def quantiles(values: list[float]) -> dict:
    """The 10th, 50th and 90th percentiles (None where there are no values)."""
    if not values:
        return {"p10": None, "p50": None, "p90": None}
    return {f"p{q}": float(np.percentile(values, q)) for q in (10, 50, 90)}


def rates(real: np.ndarray, fake: np.ndarray) -> dict:
    labels = np.array([0] * len(real) + [1] * len(fake))
    return {"auc": roc_auc(labels, np.concatenate([real, fake])), "real_flagged": float((real >= THRESHOLD).mean()),
            "fake_flagged": float((fake >= THRESHOLD).mean()), "real_mean": float(real.mean()), "fake_mean": float(fake.mean())}


def measure(test: list[FaceRecord], model: Path, work: Path, max_outside: float, chosen: list[tuple[str, float]]) -> dict:
    pictures: dict[tuple[str, str, float], Path] = {}
    for label in ("real", "fake"):
        for edge, share in chosen:
            folder = work / f"{label}-{edge}-{share}"
            folder.mkdir()
            pictures[(label, edge, share)] = folder
    for i, record in enumerate(test):
        photo = read_rgb(record.file)
        fake = held_out_self_blend(photo, record, i)
        for label, image in (("real", photo), ("fake", fake)):
            canvas, top, left = placed(image)
            box = {"x": record.box["x"] + left, "y": record.box["y"] + top, "width": record.box["width"], "height": record.box["height"]}
            for edge, share in chosen:
                picture = cut_picture(canvas, box, edge, share)
                cv2.imwrite(str(pictures[(label, edge, share)] / f"{i:05d}.png"), cv2.cvtColor(picture, cv2.COLOR_RGB2BGR))

    crops: list[np.ndarray] = []
    where: dict[tuple[str, str, float, str], list[int | None]] = {}
    found: dict[tuple[str, str, float], dict] = {}
    judged: dict[tuple[str, str, float, str], list[bool]] = {}
    for (label, edge, share), folder in pictures.items():
        records, faceless = load_harvest(harvest(folder), folder)
        by_name = {r.file.name: r for r in records}
        flagged = 0
        outside: list[float] = []
        for rule in RULES:
            where[(label, edge, share, rule)] = []
        for judge in JUDGES:
            judged[(label, edge, share, judge)] = []
        for i in range(len(test)):
            record = by_name.get(f"{i:05d}.png")
            if record is None:
                for rule in RULES:
                    where[(label, edge, share, rule)].append(None)
                for judge in JUDGES:
                    judged[(label, edge, share, judge)].append(False)
                continue
            image = read_rgb(record.file)
            height, width = image.shape[:2]
            flagged += cut_by_edge(record.box, width, height)
            outside.append(share_outside(record.box, width, height))
            for judge, verdict in (("box within", outside[-1] <= max_outside),
                                   ("eyes inside", eyes_inside(record.keypoints, width, height)),
                                   ("box within, eyes inside at the sides",
                                    judged_by_app(record.box, record.keypoints, width, height, max_outside))):
                judged[(label, edge, share, judge)].append(verdict)
            for rule, square in (("app", crop_square(record.box, width, height)), ("before", old_rule_square(record.box, width, height))):
                where[(label, edge, share, rule)].append(len(crops))
                crops.append(resample_square(image, square, CLASSIFIER_INPUT_SIZE))
        found[(label, edge, share)] = {"faces_found": len(test) - faceless, "flagged_cut": flagged,
                                       "outside_share": quantiles(outside),
                                       "judged": {judge: sum(judged[(label, edge, share, judge)]) for judge in JUDGES}}

    scores = score_crops(model, np.stack(crops))

    def score_of(key: tuple, judge: str | None = None) -> np.ndarray:
        """Scores of one cut and crop rule; with a `judge`, faces it leaves unjudged score 0, as faces not found do."""
        label, edge, share, _ = key
        kept = judged[(label, edge, share, judge)] if judge else [True] * len(where[key])
        return np.array([0.0 if at is None or not keep else float(scores[at]) for at, keep in zip(where[key], kept)])

    report: dict = {"model": str(model), "faces": len(test), "canvas": CANVAS, "threshold": THRESHOLD,
                    "max_outside": max_outside, "cuts": []}
    for edge, share in chosen:
        row = {"edge": edge, "share": share, "real": found[("real", edge, share)], "fake": found[("fake", edge, share)]}
        for rule in RULES:
            row[rule] = rates(score_of(("real", edge, share, rule)), score_of(("fake", edge, share, rule)))
        for judge in JUDGES:
            row[f"app, {judge}"] = rates(score_of(("real", edge, share, "app"), judge), score_of(("fake", edge, share, "app"), judge))
        report["cuts"].append(row)
    return report


def judged_text(row: dict, rule: str) -> str:
    """How many real/fake faces of a cut `rule` judges: all found ones, or those its judge keeps."""
    judge = rule.removeprefix("app, ")
    if judge == rule:
        return f"{row['real']['faces_found']:>4}/{row['fake']['faces_found']}"
    return f"{row['real']['judged'][judge]:>4}/{row['fake']['judged'][judge]}"


def share_text(shares: dict) -> str:
    return "/".join("-" if v is None else f"{v:.2f}" for v in shares.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--utk-harvest", type=Path, required=True)
    parser.add_argument("--utk", type=Path, required=True)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=300, help="held-out faces to use")
    parser.add_argument("--out", type=Path, help="where the report goes (JSON)")
    parser.add_argument("--max-outside", type=float, default=MAX_SHARE_OUTSIDE,
                        help="the 'box within' arm leaves unjudged a face whose box lies more than this share past the edge")
    parser.add_argument("--edges", nargs="+", choices=EDGES, default=list(EDGES), help="which edges to cut at")
    parser.add_argument("--shares", nargs="+", type=float, default=list(SHARES), help="how far into the box to cut")
    args = parser.parse_args(argv)
    records, _ = load_harvest(args.utk_harvest, args.utk)
    test = in_split(records, "test")[: args.limit]
    with tempfile.TemporaryDirectory() as work:
        report = measure(test, args.model.resolve(), Path(work), args.max_outside, cuts(tuple(args.edges), tuple(args.shares)))
    text = json.dumps(report, indent=2) + "\n"
    if args.out:
        args.out.write_text(text)
    print("cut            rule                                        found real/fake  flagged cut  AUC    real >= 0.5  fake >= 0.5  real mean  "
          "outside (real p10/50/90)  judged real/fake")
    for row in report["cuts"]:
        for rule in RULES + tuple(f"app, {judge}" for judge in JUDGES):
            r = row[rule]
            print(f"{row['edge']:>5} {row['share']:<5}    {rule:<43} {row['real']['faces_found']:>4}/{row['fake']['faces_found']:<4}     "
                  f"{row['real']['flagged_cut']:>4}/{row['fake']['flagged_cut']:<4}    {r['auc']:.3f}  {r['real_flagged']:>10.1%}  "
                  f"{r['fake_flagged']:>10.1%}  {r['real_mean']:.3f}      {share_text(row['real']['outside_share'])}"
                  f"            {judged_text(row, rule)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
