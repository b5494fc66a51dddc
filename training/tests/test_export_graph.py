"""The exported graph's form: what onnxruntime can fuse in it."""
import subprocess
from pathlib import Path

import numpy as np
import onnx
import torch

from sbi.export import export_onnx
from sbi.faceres import SamePad
from sbi.model import CalibratedNet, MirrorAveraged
from sbi.onnx_scores import score_crops

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


def test_mirror_averaged_graph_scores_the_mean_logit_of_both_views_for_any_batch(tmp_path):
    torch.manual_seed(0)
    # Not mirror-symmetric: a random convolution whose left and right halves the head weighs apart.
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 4, stride=4), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d((1, 2)),
                              torch.nn.Flatten(), torch.nn.Linear(8, 1)).eval()
    exported = tmp_path / "mirrored.onnx"
    # Its logits sit near -10: the calibration brings them to where a sigmoid still tells them apart.
    export_onnx(CalibratedNet(MirrorAveraged(net), 0.1, 1.0).eval(), exported)
    crops = np.random.default_rng(0).integers(0, 256, (3, 160, 160, 3), dtype=np.uint8)
    pixels = torch.from_numpy(crops).permute(0, 3, 1, 2).float()
    with torch.no_grad():
        face, mirror = net(pixels).squeeze(1), net(pixels.flip(3)).squeeze(1)
    assert (face - mirror).abs().min() > 0.1, "the views must score differently for the test to tell them apart"
    expected = torch.sigmoid((face + mirror) / 2 * 0.1 + 1.0).numpy()
    np.testing.assert_allclose(score_crops(exported, crops), expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(score_crops(exported, crops[:1]), expected[:1], rtol=1e-4, atol=1e-5)
