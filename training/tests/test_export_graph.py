"""The exported graph's form: what onnxruntime can fuse in it."""
import subprocess
from pathlib import Path

import onnx
import torch

from sbi.export import export_onnx
from sbi.faceres import SamePad
from sbi.model import CalibratedNet

REPO = Path(__file__).resolve().parents[2]

# onnxruntime-node writes the graph after its basic (portable) optimisations, which include PadFusion.
OPTIMISE = """
import * as ort from 'onnxruntime-node';
await ort.InferenceSession.create(process.argv[1], { graphOptimizationLevel: 'basic', optimizedModelFilePath: process.argv[2] });
"""


def pads_left_by_onnxruntime(model: Path, tmp_path: Path) -> int:
    optimised = tmp_path / f"{model.stem}-basic.onnx"
    subprocess.run(["node", "--input-type=module", "-e", OPTIMISE, str(model), str(optimised)], cwd=REPO, check=True,
                   capture_output=True)
    return sum(node.op_type == "Pad" for node in onnx.load(str(optimised)).graph.node)


def test_same_padding_folds_into_the_convolution(tmp_path):
    net = torch.nn.Sequential(SamePad(), torch.nn.Conv2d(3, 8, 3, stride=2), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1),
                              torch.nn.Flatten(), torch.nn.Linear(8, 1))
    exported = tmp_path / "net.onnx"
    export_onnx(CalibratedNet(net, 1.0, 0.0).eval(), exported)
    graph = onnx.load(str(exported))
    assert sum(node.op_type == "Pad" for node in graph.graph.node) == 1
    assert all(not node.input or node.input[-1] for node in graph.graph.node), "no omitted input is written out"
    assert pads_left_by_onnxruntime(exported, tmp_path) == 0

    # As torch writes it, with the omitted constant value named '', the pad stays a node of its own.
    for node in graph.graph.node:
        if node.op_type == "Pad":
            node.input.append("")
    as_torch_writes_it = tmp_path / "as-torch-writes-it.onnx"
    onnx.save(graph, str(as_torch_writes_it))
    assert pads_left_by_onnxruntime(as_torch_writes_it, tmp_path) == 1
