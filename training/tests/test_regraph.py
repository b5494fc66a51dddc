"""A shipped file rewritten in today's graph: FaceRes' channel reversal as a Gather, which onnxruntime-web's WebGPU
backend runs right, where `flip`'s Slice of step -1 lost a channel there (the e2e test runs the shipped file on
WebGPU); weights, calibration, cut and scores kept."""
import hashlib
import json

import numpy as np
import onnx
import pytest
import torch
from conftest import lively_net
from onnx import numpy_helper

from sbi.export import export_onnx
from sbi.faceres import RGB_MEANS
from sbi.model import CalibratedNet, MirrorAveraged
from sbi.onnx_scores import score_crops_and_views, second_view_from
from sbi.quantize import quantize_weights
from sbi.regraph import main as regraph
from sbi.second_view import rewritten

CUT = 0.26  # within the first views' logits of CROPS on the fixture's network (0.10-0.35): half take the second view
CROPS = np.random.default_rng(2).integers(0, 256, (6, 160, 160, 3), dtype=np.uint8)


def negative_step_slices_of_images(model: onnx.ModelProto) -> list[str]:
    """The Slice nodes that step backwards through a 4-D tensor (the images or a layer's activations), not through
    a shape vector as the padding's do."""
    inferred = onnx.shape_inference.infer_shapes(model)
    ranks = {value.name: len(value.type.tensor_type.shape.dim)
             for value in [*inferred.graph.value_info, *inferred.graph.input, *inferred.graph.output]}
    constants = {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}
    constants |= {node.output[0]: numpy_helper.to_array(node.attribute[0].t)
                  for node in model.graph.node if node.op_type == "Constant"}
    return [node.name for node in model.graph.node
            if node.op_type == "Slice" and ranks.get(node.input[0]) == 4 and len(node.input) > 4
            and (constants[node.input[4]] < 0).any()]


def flipped_input(rgb: torch.Tensor) -> torch.Tensor:
    """FaceRes' input as every file until 2026-12-06 exported it."""
    return (rgb - torch.tensor(RGB_MEANS).view(1, 3, 1, 1)).flip(1)


@pytest.fixture(scope="module")
def old_graph_file(tmp_path_factory):
    """A file as the shipped one was written before 2026-12-06: one view with a cut, in the graph with `flip`."""
    folder = tmp_path_factory.mktemp("old-graph")
    net = lively_net("faceres-bn-narrow-128")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sbi.model.faceres_input", flipped_input)
        export_onnx(CalibratedNet(MirrorAveraged(net), 1.3, -0.2), folder / "fp32.onnx")
        onnx.save(quantize_weights(onnx.load(str(folder / "fp32.onnx"))), str(folder / "mirrored.onnx"))
        onnx.save(rewritten(folder / "mirrored.onnx", CUT), str(folder / "deepfake.onnx"))
    manifest = {"name": "deepfake", "version": "2026.12.05-00000000", "calibration": {"scale": 1.3}, "second_view": {"from_logit": CUT}}
    (folder / "deepfake.json").write_text(json.dumps(manifest))
    return folder


def test_faceres_reverses_its_input_channels_without_stepping_backwards(tmp_path):
    exported = export_onnx(lively_net("faceres-bn-narrow-128"), tmp_path / "net.onnx")
    assert negative_step_slices_of_images(exported) == []
    gathers = [node for node in exported.graph.node if node.op_type == "Gather"]
    assert len(gathers) == 1 and gathers[0].attribute[0].i == 1  # the channels' axis


def test_a_rewritten_file_drops_the_backward_slice_and_keeps_weights_cut_and_scores(old_graph_file, tmp_path):
    old = old_graph_file / "deepfake.onnx"
    assert negative_step_slices_of_images(onnx.load(str(old))), "the old graph must hold the Slice the rewrite removes"
    assert regraph(["--model", str(old), "--models", str(tmp_path)]) == 0
    new = onnx.load(str(tmp_path / "deepfake.onnx"))
    assert negative_step_slices_of_images(new) == []
    assert second_view_from(new) == pytest.approx(CUT)
    scores, views = score_crops_and_views(tmp_path / "deepfake.onnx", CROPS)
    old_scores, old_views = score_crops_and_views(old, CROPS)
    assert 0 < (old_views == 2).sum() < len(CROPS), "the cut must split the crops for the test to see it kept"
    np.testing.assert_array_equal(views, old_views)
    np.testing.assert_allclose(scores, old_scores, rtol=1e-5, atol=1e-6)


def test_a_rewritten_files_manifest_names_it_and_the_file_it_came_from(old_graph_file, tmp_path):
    regraph(["--model", str(old_graph_file / "deepfake.onnx"), "--models", str(tmp_path)])
    before = json.loads((old_graph_file / "deepfake.json").read_text())
    after = json.loads((tmp_path / "deepfake.json").read_text())
    data = (tmp_path / "deepfake.onnx").read_bytes()
    assert after["sha256"] == hashlib.sha256(data).hexdigest() and after["bytes"] == len(data)
    assert after["version"].endswith("-" + after["sha256"][:8]) and after["graph_from"] == before["version"]
    assert {key: after[key] for key in before if key not in ("version", "sha256", "bytes")} == \
        {key: before[key] for key in before if key not in ("version", "sha256", "bytes")}


def test_refuses_a_file_without_a_cut(old_graph_file, tmp_path):
    with pytest.raises(SystemExit):
        regraph(["--model", str(old_graph_file / "mirrored.onnx"), "--models", str(tmp_path)])
