"""Rewrites a mirror-averaged classifier so that it looks at a face's mirror image only when that could matter.

  cd training && /usr/bin/python3 -m sbi.second_view --model ../models/deepfake.onnx \
      --harvest ~/.cache/deepfake-check/faces-utk-pre-zoom.jsonl --images ../../shared/data/faces-utk --models OUT

Mirror averaging (`sbi.export --mirror`) scores every face twice, which
doubles the network's time, yet most faces a page checks are real ones
that the first view already scores far below the threshold, where the
second view's small correction changes no decision. The rewritten file
scores one view: its `deepfake_logit` output is that view's calibrated
logit, and its `second_view_from` output the calibrated logit from which
the runner (src/classify/score-faces.js, the one the page, score_onnx.mjs
and the benchmarks share) scores the face's mirror image too and averages
the two views' logits. A face's score depends on that face alone, never on
the rest of its batch. (An earlier version chose inside the graph, with an
ONNX `If`, at a cost of 80-180 MiB in onnxruntime-web's WASM build.)

The cut is set from validation faces, never from test or dfdc-dev ones:
the largest half-gap between the two views' logits among the validation
reals and their pseudo-fakes (the samples the calibration was fitted on),
times the calibration's scale, times a safety factor of 2, below the
threshold. A face left with one view would need a gap twice any seen there
to cross 0.5, so the threshold's decisions, and with them the false-positive
caps, stay those of the two-view file; only scores under the cut move, by
that half-gap at most.

The int8 weights, the calibration and the network are the input file's:
its weights are read back and quantize back to themselves (checked).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch.utils.data import DataLoader

from .data import in_split, load_harvest
from .export import OPSET, export_onnx, write_shipped
from .onnx_scores import LOGIT_OUTPUT, SECOND_VIEW_OUTPUT
from .onnx_weights import faceres_net_from_onnx
from .quantize import quantize_weights
from .train import SelfBlendedFaces, predict

SAFETY = 2.0


class BothViews(torch.nn.Module):
    """`net`'s logits for each face and for its left-right mirror image, side by side: one pass over the samples
    gives both views of the same blends."""

    def __init__(self, net: torch.nn.Module):
        super().__init__()
        self.net = net

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.net(pixels), self.net(pixels.flip(3))], dim=1)


def cut_from_gaps(face_logits: np.ndarray, mirror_logits: np.ndarray, scale: float) -> float:
    """The calibrated logit under which a face keeps its first view alone (see the module's doc)."""
    largest_half_gap = float(np.max(np.abs(face_logits - mirror_logits)) / 2)
    return -SAFETY * scale * largest_half_gap


def _scalar(name: str, value, dtype=np.float32) -> onnx.TensorProto:
    return numpy_helper.from_array(np.array(value, dtype=dtype), name)


def second_view_graph(one_view: onnx.ModelProto, scale: float, bias: float, cut: float) -> onnx.ModelProto:
    """`one_view` (pixels -> a logit per face, as export_onnx writes a bare network) as the shipped classifier:
    `deepfake_logit`, scale * logit + bias for each face, and `second_view_from`, the calibrated logit `cut` from
    which the runner (src/classify/score-faces.js) scores a face's mirror image too and averages the two.
    """
    graph = one_view.graph
    logit = graph.output[0].name
    calibrate = [helper.make_node("Mul", [logit, "scale"], ["scaled_logit"]),
                 helper.make_node("Add", ["scaled_logit", "bias"], [LOGIT_OUTPUT]),
                 helper.make_node("Constant", [], [SECOND_VIEW_OUTPUT], value=_scalar("cut", cut))]
    outputs = [helper.make_tensor_value_info(LOGIT_OUTPUT, TensorProto.FLOAT, ["faces", 1]),
               helper.make_tensor_value_info(SECOND_VIEW_OUTPUT, TensorProto.FLOAT, [])]
    model = helper.make_model(
        helper.make_graph(list(graph.node) + calibrate, "deepfake", [graph.input[0]], outputs,
                          list(graph.initializer) + [_scalar("scale", scale), _scalar("bias", bias)]),
        opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = one_view.ir_version
    onnx.checker.check_model(model)
    return model


def _int8_weights(model: onnx.ModelProto) -> list[np.ndarray]:
    """The int8 weights of the graph's Conv and Gemm nodes, in the graph's order (torch names them anew each export)."""
    values = {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}
    return [values[node.input[1] + "_int8"] for node in model.graph.node
            if node.op_type in ("Conv", "Gemm") and node.input[1] + "_int8" in values]


def _initializer(model: onnx.ModelProto, name: str) -> float:
    return float(next(numpy_helper.to_array(init) for init in model.graph.initializer if init.name == name))


def rewritten(path: Path, cut: float) -> onnx.ModelProto:
    """The int8 file at `path` (mirror-averaged, or one view as this module writes it) as second_view_graph writes it
    with `cut`, in the graph sbi.export writes today, its weights and calibration kept."""
    source = onnx.load(str(path))
    net = faceres_net_from_onnx(path).eval()
    with tempfile.TemporaryDirectory() as folder:
        one_view = export_onnx(net, Path(folder) / "one-view.onnx")
    int8 = quantize_weights(second_view_graph(one_view, _initializer(source, "scale"), _initializer(source, "bias"), cut))
    kept, written = _int8_weights(source), _int8_weights(int8)
    if len(kept) != len(written) or any(not np.array_equal(a, b) for a, b in zip(kept, written)):
        raise ValueError(f"the rewritten file's int8 weights differ from {path}'s")
    return int8


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True, help="a mirror-averaged int8 file, its deepfake.json beside it")
    parser.add_argument("--harvest", type=Path, required=True)
    parser.add_argument("--images", type=Path, required=True)
    parser.add_argument("--models", type=Path, required=True, help="where deepfake.onnx and deepfake.json go")
    parser.add_argument("--seed", type=int, default=1, help="sbi.export's --seed: the validation samples it calibrated on")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)

    manifest = json.loads(args.model.with_suffix(".json").read_text())
    if manifest["views"] != ["face", "mirror image"] or "second_view" in manifest:
        parser.error(f"{args.model} does not average a face and its mirror image over every face")
    scale = _initializer(onnx.load(str(args.model)), "scale")
    net = faceres_net_from_onnx(args.model).eval()

    records, _ = load_harvest(args.harvest, args.images)
    val = in_split(records, "val")
    loader = DataLoader(SelfBlendedFaces(val, args.seed + 1000), batch_size=128, num_workers=1)
    views, _ = predict(BothViews(net), loader)
    face_logits, mirror_logits = views[:, 0], views[:, 1]
    half_gap = float(np.max(np.abs(face_logits - mirror_logits)) / 2)
    cut = cut_from_gaps(face_logits, mirror_logits, scale)
    from_score = float(1 / (1 + np.exp(-cut)))
    print(f"largest half-gap between the views on {len(face_logits)} validation samples: {half_gap:.4f} "
          f"(calibrated: {scale * half_gap:.4f}); second view from a calibrated logit of {cut:.4f}, score {from_score:.4f}",
          file=sys.stderr)

    manifest.update({
        "output": {
            "name": LOGIT_OUTPUT,
            "shape": ["faces", 1],
            "values": "calibrated logit of one view: the probability is its sigmoid, or, from second_view's from_logit "
                      "up, the sigmoid of its mean with the mirror image's (src/classify/score-faces.js)",
        },
        # The views above are averaged only for faces whose first view scores from_score or more.
        "second_view": {
            "output": SECOND_VIEW_OUTPUT,
            "from_logit": cut,
            "from_score": from_score,
            "rule": f"from_score's logit lies {SAFETY:g} times the largest half-gap between a validation sample's two views "
                    "(calibrated) under the threshold's",
            "largest_half_gap": {"logit": half_gap, "calibrated": scale * half_gap, "samples": int(len(face_logits))},
            "from": manifest["version"],
        },
    })
    path = write_shipped(rewritten(args.model, cut), manifest, args.models)
    print(f"wrote {path} ({manifest['bytes'] / 1e6:.2f} MB), version {manifest['version']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
