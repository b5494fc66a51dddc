"""Calibrates a trained network and ships it as ONNX (fp32 for checks, int8 for the app).

  cd training && /usr/bin/python3 -m sbi.export --run ~/.cache/deepfake-check/run-v1 \
      --harvest ~/.cache/deepfake-check/faces-utk.jsonl --images ../../shared/data/faces-utk --models ../models

Calibration: Platt scaling, sigmoid(a * logit + b), fitted on the validation
split's real photos and their pseudo-fakes, so that 0.5 separates them with
balanced errors. Each `--cap CONDITION=SHARE` then lowers b, where needed,
until no more than that share of the validation reals under that condition
(`sbi.damage`: clean, blur_sigma2, low_light, jpeg_q20, h264_crf30) scores 0.5 or more in
the int8 file that ships (its scores sit a little off the fp32 network's); b
is the lowest any cap asks for. A real face called fake is the costlier error
for the people checked, and balanced errors flag too many of them. The final
a and b are built into the exported graph.

`--mirror` ships the network scoring each face as the mean of its logits for
the face and for its mirror image (model.MirrorAveraged), calibrated as one.
`--shipped FILE` takes the network from an exported file instead of a run
(its weights read back, see onnx_weights; its manifest beside it names the
architecture), to calibrate it anew or add the mirror to a model whose run
is gone; its int8 weights quantize back to themselves.
"""
from __future__ import annotations

import argparse
import copy
import datetime
import hashlib
import io
import json
import sys
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch.utils.data import DataLoader

from .crop import CLASSIFIER_INPUT_SIZE
from .damage import REAL_PHOTO_CONDITIONS
from .data import crop, in_split, load_harvest, read_rgb
from .faceres import with_plain_convolutions
from .model import ARCHITECTURES, CalibratedNet, FaceResDeepfakeNet, MirrorAveraged, build_net
from .onnx_scores import score_crops
from .onnx_weights import faceres_net_from_onnx
from .quantize import quantize_weights
from .train import SelfBlendedFaces, predict

OPSET = 13


def fit_platt(logits: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    a = torch.ones(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    x, y = torch.from_numpy(logits).float(), torch.from_numpy(labels).float()
    optimizer = torch.optim.LBFGS([a, b], max_iter=200, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(a * x + b, y)
        loss.backward()
        return loss

    optimizer.step(closure)
    return float(a.item()), float(b.item())


def cap_false_positives(real_logits: np.ndarray, scale: float, bias: float, share: float) -> float:
    """`bias`, lowered if needed so that at most `share` of these real faces' logits reach 0.5, i.e. a * logit + b >= 0."""
    real = np.sort(scale * real_logits)
    allowed = int(np.floor(share * len(real)))
    if allowed >= len(real):
        return bias
    # The threshold goes between the highest real kept under 0.5 and the lowest one allowed over it.
    kept_under = float(real[len(real) - allowed - 1])
    allowed_over = float(real[len(real) - allowed]) if allowed else kept_under + 1e-3 * max(1.0, abs(kept_under))
    return min(bias, -(kept_under + allowed_over) / 2)


def parse_cap(text: str) -> tuple[str, float]:
    """'blur_sigma2=0.08' → ('blur_sigma2', 0.08), for --cap."""
    condition, _, share = text.partition("=")
    if condition not in REAL_PHOTO_CONDITIONS:
        raise argparse.ArgumentTypeError(f"unknown condition {condition!r}; known: {', '.join(REAL_PHOTO_CONDITIONS)}")
    try:
        value = float(share)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: the share after '=' must be a number, e.g. {condition}=0.05") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r}: the share must lie in 0..1")
    return condition, value


def logits_of(scores: np.ndarray, scale: float, bias: float) -> np.ndarray:
    """The network's logits behind calibrated scores sigmoid(scale * logit + bias)."""
    p = np.clip(scores.astype(np.float64), 1e-12, 1 - 1e-12)
    return (np.log(p / (1 - p)) - bias) / scale


def set_initializer(model: onnx.ModelProto, name: str, value: float) -> None:
    """Replaces the scalar constant `name` of the graph (the calibration's bias) in place."""
    for init in model.graph.initializer:
        if init.name == name:
            init.CopyFrom(numpy_helper.from_array(np.array(value, dtype=numpy_helper.to_array(init).dtype), name))
            return
    raise ValueError(f"the exported graph has no constant {name!r}")


def drop_omitted_inputs(model: onnx.ModelProto) -> None:
    """Removes trailing inputs named '' (ONNX's mark for an omitted optional input), in place.

    torch writes Pad's absent constant value that way, and onnxruntime's PadFusion
    then leaves each of our five 'SAME' pads as a pass of its own over the
    activations instead of folding it into the next convolution's padding:
    about 0.5 ms of ~11 per face in onnxruntime-web's WASM kernels with 2 threads.
    """
    for node in model.graph.node:
        while node.input and node.input[-1] == "":
            node.input.pop()


def export_onnx(model: torch.nn.Module, path: Path) -> onnx.ModelProto:
    """Writes `model` to `path` as ONNX and returns the graph written."""
    model = with_plain_convolutions(model).eval()
    example = torch.zeros(1, 3, CLASSIFIER_INPUT_SIZE, CLASSIFIER_INPUT_SIZE)
    exported = io.BytesIO()
    torch.onnx.export(
        model, example, exported, opset_version=OPSET, input_names=["pixels"], output_names=["deepfake"],
        dynamic_axes={"pixels": {0: "faces"}, "deepfake": {0: "faces"}}, do_constant_folding=True,
    )
    graph = onnx.load_model_from_string(exported.getvalue())
    drop_omitted_inputs(graph)
    onnx.checker.check_model(graph)
    onnx.save(graph, str(path))
    return graph


def run_network(run: Path) -> tuple[torch.nn.Module, str]:
    """A training run's network and the description of its architecture."""
    arch = json.loads((run / "run.json").read_text())["arch"]
    net = build_net(arch)
    weights = run / "model.pt"
    net.load_state_dict(torch.load(weights) if weights.exists() else torch.load(run / "checkpoint.pt")["model"])
    return net, ARCHITECTURES[arch]


def shipped_network(path: Path) -> tuple[torch.nn.Module, str]:
    """An exported file's network, batch norms folded, and its manifest's description of it."""
    return faceres_net_from_onnx(path), json.loads(path.with_suffix(".json").read_text())["architecture"]


def file_identity(data: bytes) -> dict[str, str | int]:
    """A classifier file's `version` (today's date and its hash's first 8 digits), `sha256` and `bytes`, as its
    manifest (deepfake.json) names it; the app refuses a file whose SHA-256 does not match."""
    digest = hashlib.sha256(data).hexdigest()
    return {"version": datetime.date.today().strftime("%Y.%m.%d") + "-" + digest[:8], "sha256": digest, "bytes": len(data)}


def write_shipped(model: onnx.ModelProto, manifest: dict, models: Path) -> Path:
    """Writes `model` as `models`/deepfake.onnx and `manifest`, given the file's identity (file_identity), beside it as
    deepfake.json; the file's path."""
    models.mkdir(parents=True, exist_ok=True)
    path = models / "deepfake.onnx"
    onnx.save(model, str(path))
    manifest.update(file_identity(path.read_bytes()))
    (models / "deepfake.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--run", type=Path, help="training run folder with model.pt (or checkpoint.pt)")
    source.add_argument("--shipped", type=Path, help="an exported deepfake.onnx, with its deepfake.json beside it")
    parser.add_argument("--mirror", action="store_true", help="score each face as the mean over it and its mirror image")
    parser.add_argument("--harvest", type=Path, required=True)
    parser.add_argument("--images", type=Path, required=True)
    parser.add_argument("--models", type=Path, required=True, help="where deepfake.onnx and deepfake.json go")
    parser.add_argument("--fp32", type=Path, help="where the fp32 ONNX goes (default: the run folder)")
    parser.add_argument("--val-limit", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cap", type=parse_cap, action="append", default=[], metavar="CONDITION=SHARE",
                        help="at most SHARE of the validation reals under CONDITION may score >= 0.5 (lowers the fitted bias "
                        f"where needed); conditions: {', '.join(REAL_PHOTO_CONDITIONS)}; repeatable; default: Platt's balanced fit alone")
    args = parser.parse_args(argv)
    if args.shipped and not args.fp32:
        parser.error("--shipped needs --fp32: there is no run folder to put the fp32 file in")
    torch.set_num_threads(2)

    net, architecture = shipped_network(args.shipped) if args.shipped else run_network(args.run)
    if args.mirror:
        if isinstance(net, FaceResDeepfakeNet) and net.backbone.symmetric:
            parser.error("--mirror: this network scores a face and its mirror image alike already; the second view "
                         "would only double its time")
        net = MirrorAveraged(net)
    net.eval()

    records, _ = load_harvest(args.harvest, args.images)
    val = in_split(records, "val")
    if args.val_limit:
        val = val[: args.val_limit]
    loader = DataLoader(SelfBlendedFaces(val, args.seed + 1000), batch_size=128, num_workers=1)
    logits, labels = predict(net, loader)
    scale, bias = fit_platt(logits, labels)
    print(f"calibration on {len(labels)} validation samples: scale {scale:.4f}, bias {bias:.4f}", file=sys.stderr)
    calibrated = CalibratedNet(net, scale, bias)
    fp32_path = args.fp32 or args.run / "deepfake-fp32.onnx"
    fp32_path.parent.mkdir(parents=True, exist_ok=True)
    fp32 = export_onnx(calibrated, fp32_path)
    int8 = quantize_weights(copy.deepcopy(fp32))  # it rewrites the graph in place
    args.models.mkdir(parents=True, exist_ok=True)
    int8_path = args.models / "deepfake.onnx"
    onnx.save(int8, str(int8_path))
    platt_bias = bias
    caps = dict(args.cap)
    if caps:
        # Counted on the validation reals themselves, not on the randomly damaged copies Platt saw (JPEG pulls
        # scores down, so those set a cap too loose), each under the named condition, as the held-out figures count.
        images = [read_rgb(record.file) for record in val]
        for condition, share in caps.items():
            damage = REAL_PHOTO_CONDITIONS[condition]
            crops = np.stack([crop(damage(image), record.box) for image, record in zip(images, val)])
            real_logits = logits_of(score_crops(int8_path, crops), scale, platt_bias)
            capped = cap_false_positives(real_logits, scale, platt_bias, share)
            print(f"{condition}: bias {capped:.4f} for at most {share:.1%} of {len(val)} validation reals at 0.5 (int8 scores)",
                  file=sys.stderr)
            bias = min(bias, capped)
        for model, path in ((fp32, fp32_path), (int8, int8_path)):
            set_initializer(model, "bias", bias)
            onnx.save(model, str(path))
    data = int8_path.read_bytes()
    identity = file_identity(data)
    manifest = {
        "name": "deepfake",
        "version": identity["version"],
        "file": "deepfake.onnx",
        "sha256": identity["sha256"],
        "bytes": identity["bytes"],
        "architecture": architecture,
        # The logit calibrated is the mean over these views of each face.
        "views": ["face", "mirror image"] if args.mirror else ["face"],
        "input": {"name": "pixels", "shape": ["faces", 3, CLASSIFIER_INPUT_SIZE, CLASSIFIER_INPUT_SIZE], "values": "RGB, 0..255, float32"},
        "output": {"name": "deepfake", "shape": ["faces", 1], "values": "calibrated probability that the face was swapped or modified"},
        "threshold": 0.5,
        "calibration": {"scale": scale, "bias": bias, "platt_bias": platt_bias, "false_positive_caps": caps,
                        "samples": int(len(labels))},
        "quantization": "int8 weights per output channel (QDQ DequantizeLinear), float32 activations",
        "opset": OPSET,
    }
    (args.models / "deepfake.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {int8_path} ({len(data) / 1e6:.2f} MB) and {fp32_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
