"""Calibrates a trained network and ships it as ONNX (fp32 for checks, int8 for the app).

  cd training && /usr/bin/python3 -m sbi.export --run ~/.cache/deepfake-check/run-v1 \
      --harvest ~/.cache/deepfake-check/faces-utk.jsonl --images ../../shared/data/faces-utk --models ../models

Calibration: Platt scaling, sigmoid(a * logit + b), fitted on the validation
split's real photos and their pseudo-fakes, so that 0.5 separates them with
balanced errors. `--max-false-positives` then lowers b, where needed, until
no more than that share of the validation reals, undamaged, scores 0.5 or more
in the int8 file that ships (its scores sit a little off the fp32 network's): a real
face called fake is the costlier error for the people checked, and balanced
errors flag too many of them. The final a and b are built into the exported graph.
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
from torch.utils.data import DataLoader, Subset

from .crop import CLASSIFIER_INPUT_SIZE
from .data import load_harvest, split_of
from .model import ARCHITECTURES, CalibratedNet, build_net
from .onnx_scores import score_crops
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
    model.eval()
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, required=True, help="training run folder with model.pt (or checkpoint.pt)")
    parser.add_argument("--harvest", type=Path, required=True)
    parser.add_argument("--images", type=Path, required=True)
    parser.add_argument("--models", type=Path, required=True, help="where deepfake.onnx and deepfake.json go")
    parser.add_argument("--fp32", type=Path, help="where the fp32 ONNX goes (default: the run folder)")
    parser.add_argument("--val-limit", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-false-positives", type=float, help="at most this share of validation reals may score >= 0.5 "
                        "(lowers the fitted bias where needed); default: Platt's balanced fit alone")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)

    arch = json.loads((args.run / "run.json").read_text())["arch"]
    net = build_net(arch)
    weights = args.run / "model.pt"
    state = torch.load(weights) if weights.exists() else torch.load(args.run / "checkpoint.pt")["model"]
    net.load_state_dict(state)
    net.eval()

    records, _ = load_harvest(args.harvest, args.images)
    val = [r for r in records if split_of(r.file.name) == "val"]
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
    if args.max_false_positives is not None:
        # Counted on the validation reals as they are (items 2k), the kind of photo the held-out figure
        # counts: the damaged copies Platt saw score lower (JPEG pulls scores down) and set the cap too loose.
        reals = Subset(SelfBlendedFaces(val, args.seed + 1000, augment=False), range(0, 2 * len(val), 2))
        crops = np.stack([pixels.permute(1, 2, 0).numpy() for pixels, _ in reals]).astype(np.uint8)
        real_logits = logits_of(score_crops(int8_path, crops), scale, platt_bias)
        bias = cap_false_positives(real_logits, scale, platt_bias, args.max_false_positives)
        print(f"bias {bias:.4f} for at most {args.max_false_positives:.1%} of {len(reals)} validation reals at 0.5 "
              f"(int8 scores)", file=sys.stderr)
        for model, path in ((fp32, fp32_path), (int8, int8_path)):
            set_initializer(model, "bias", bias)
            onnx.save(model, str(path))
    data = int8_path.read_bytes()
    manifest = {
        "name": "deepfake",
        "version": datetime.date.today().strftime("%Y.%m.%d") + "-" + hashlib.sha256(data).hexdigest()[:8],
        "file": "deepfake.onnx",
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "architecture": ARCHITECTURES[arch],
        "input": {"name": "pixels", "shape": ["faces", 3, CLASSIFIER_INPUT_SIZE, CLASSIFIER_INPUT_SIZE], "values": "RGB, 0..255, float32"},
        "output": {"name": "deepfake", "shape": ["faces", 1], "values": "calibrated probability that the face was swapped or modified"},
        "threshold": 0.5,
        "calibration": {"scale": scale, "bias": bias, "platt_bias": platt_bias, "max_false_positives": args.max_false_positives,
                        "samples": int(len(labels))},
        "quantization": "int8 weights per output channel (QDQ DequantizeLinear), float32 activations",
        "opset": OPSET,
    }
    (args.models / "deepfake.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {int8_path} ({len(data) / 1e6:.2f} MB) and {fp32_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
