"""How much of box consistency's loss is the head's dropout rather than the framing.

  R=~/.cache/deepfake-check
  cd training && /usr/bin/python3 -m sbi.dropout_share --run $R/run-s5file-boxc-undropped-s49 \\
      --harvest $R/faces-utk-pre-zoom.jsonl --images ../../shared/data/faces-utk [--model ../models/deepfake.onnx]

In training the views of a face pass the head's dropout with masks of their own, so the spread that
`sbi.train.views_spread` weighs is the framing's spread of the undropped logits plus the draws' noise. Dropout at
rate p (kept features scaled by 1/(1-p)) gives a logit the variance p/(1-p) * sum_i (w_i f_i)^2, the noises of the
views are independent and zero-mean, so over n views the loss's expectation is exactly the framing's part plus
(1 - 1/n) times the views' mean dropout variance. Both parts are reported, per class, on validation faces made by the
run's recipe with its views (without video damage: that is drawn per batch, sbi.train.EpochBatches), with batch
norms on their running statistics. `--model` measures another file (a run's model.pt, or an exported classifier's
ONNX file, read back by sbi.onnx_weights) on that run's samples.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from .data import load_harvest, training_faces
from .model import FaceResDeepfakeNet, build_net
from .onnx_weights import faceres_net_from_onnx
from .soup import recipe_of
from .train import SelfBlendedFaces, spread_over_views


def spread_parts(model: FaceResDeepfakeNet, pixels: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """For (items, views, 3, size, size) crops: each item's spread of its views' undropped logits (spread_over_views)
    and the expected part that the head's dropout adds to it."""
    items, views = pixels.shape[:2]
    model.eval()
    with torch.no_grad():
        features = model.backbone(model.backbone_input(pixels.flatten(0, 1)))
        linear, rate = model.head[-1], model.head[0].p
        undropped = linear(features).view(items, views)
        noise = (rate / (1 - rate) * ((features * linear.weight[0]) ** 2).sum(dim=1)).view(items, views)
    return spread_over_views(undropped, views).numpy(), (noise.mean(dim=1) * (1 - 1 / views)).numpy()


def parts_report(framing: np.ndarray, dropout: np.ndarray) -> dict:
    return {"faces": len(framing), "framing": float(framing.mean()), "dropout": float(dropout.mean()),
            "dropout_share": float(dropout.mean() / (framing.mean() + dropout.mean()))}


def load_model(run: Path, config: dict, path: Path) -> FaceResDeepfakeNet:
    if path.suffix == ".onnx":
        return faceres_net_from_onnx(path)
    model = build_net(config["arch"])
    if not isinstance(model, FaceResDeepfakeNet):
        raise SystemExit(f"{run} trained a {config['arch']}: only FaceRes networks have the head this measures")
    model.load_state_dict(torch.load(path, map_location="cpu"))
    return model


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, required=True, help="a box-consistency run: its run.json gives the recipe and views")
    parser.add_argument("--harvest", type=Path, required=True, help="the run's harvest (JSONL from training/harvest/harvest.mjs)")
    parser.add_argument("--images", type=Path, required=True, help="folder of the harvested images")
    parser.add_argument("--model", type=Path, help="weights to measure; default the run's model.pt")
    parser.add_argument("--faces", type=int, default=300, help="validation faces, each as a real sample and a pseudo-fake")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    config = json.loads((args.run / "run.json").read_text())
    if not config.get("box_consistency") and not config.get("views"):
        raise SystemExit(f"{args.run} cut one view per sample: there is no spread to take apart")
    torch.manual_seed(args.seed)
    model = load_model(args.run, config, args.model or args.run / "model.pt")
    records, _ = load_harvest(args.harvest, args.images)
    faces = SelfBlendedFaces(training_faces(records, args.faces)[1], args.seed, recipe=recipe_of(config), views=config.get("views") or 2)
    batches = []
    for start in range(0, len(faces), 32):
        pixels, labels, _ = zip(*(faces[i] for i in range(start, min(start + 32, len(faces)))))
        batches.append((*spread_parts(model, torch.stack(pixels)), torch.stack(labels).numpy()))
    framing, dropout, labels = (np.concatenate(part) for part in zip(*batches))
    report = {"run": str(args.run), "model": str(args.model or args.run / "model.pt"), "seed": args.seed,
              **{name: parts_report(framing[chosen], dropout[chosen])
                 for name, chosen in (("all", labels >= 0), ("real", labels == 0), ("fake", labels == 1))}}
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
