"""A shipped classifier's ONNX file gives back the network it was exported from."""
import numpy as np
import onnx
import pytest
import torch
from conftest import lively_net
from onnx import numpy_helper

from sbi.export import export_onnx
from sbi.model import CalibratedNet, MirrorAveraged, build_net
from sbi.onnx_weights import faceres_net_from_onnx, faceres_state_from_onnx, logits_net_from_onnx
from sbi.quantize import quantize_weights


@pytest.fixture(scope="module", params=["faceres-bn", "faceres-bn-lite", "faceres-bn-narrow", "faceres-bn-narrow-128",
                                        "faceres-bn-narrow-129-symmetric"])
def exported(request, tmp_path_factory):
    """A net with non-trivial batch norms, exported as the shipped model is (norms folded, fp32 and int8), and
    mirror-averaged as sbi.export --mirror writes it."""
    net = lively_net(request.param)
    pixels = torch.rand(4, 3, 160, 160) * 255
    folder = tmp_path_factory.mktemp("export")
    export_onnx(CalibratedNet(net, 1.3, -0.2), folder / "fp32.onnx")
    onnx.save(quantize_weights(onnx.load(str(folder / "fp32.onnx"))), str(folder / "int8.onnx"))
    export_onnx(CalibratedNet(MirrorAveraged(net), 1.3, -0.2), folder / "mirrored.onnx")
    return net, pixels, folder


def logits_from(path):
    """The folded network the file holds, in whichever block layout it has."""
    return faceres_net_from_onnx(path).eval()


def test_fp32_file_gives_the_same_logits_with_batch_norms_folded(exported):
    net, pixels, folder = exported
    with torch.no_grad():
        assert torch.allclose(logits_from(folder / "fp32.onnx")(pixels), net(pixels), rtol=1e-3, atol=1e-3)


def test_int8_file_gives_nearly_the_same_logits(exported):
    net, pixels, folder = exported
    with torch.no_grad():
        expected, read_back = net(pixels), logits_from(folder / "int8.onnx")(pixels)
    assert not torch.allclose(read_back, expected, atol=1e-6), "int8 weights cannot be exact"
    assert (read_back - expected).abs().max() < 0.05 * expected.abs().max() + 0.05


def test_refuses_a_file_of_another_architecture(tmp_path):
    export_onnx(build_net("mobilenetv3").eval(), tmp_path / "other.onnx")
    with pytest.raises(ValueError, match="not a FaceRes classifier"):
        faceres_state_from_onnx(tmp_path / "other.onnx")


def test_mirror_averaged_file_gives_back_the_same_network(exported):
    net, pixels, folder = exported
    with torch.no_grad():
        assert torch.allclose(logits_from(folder / "mirrored.onnx")(pixels), net(pixels), rtol=1e-3, atol=1e-3)


def test_a_mirrored_file_teaches_the_mean_over_both_views(exported):
    """--distill reads its teacher this way: a mirrored file must not teach its network's single view."""
    net, pixels, folder = exported
    if net.backbone.symmetric:
        pytest.skip("a mirror-symmetric network scores both views alike (test_symmetric.py)")
    with torch.no_grad():
        one_view, both_views = net(pixels), MirrorAveraged(net)(pixels)
        assert not torch.allclose(one_view, both_views, atol=1e-3), "random faces are not mirror-symmetric"
        assert torch.allclose(logits_net_from_onnx(folder / "mirrored.onnx").eval()(pixels), both_views, rtol=1e-3, atol=1e-3)
        assert torch.allclose(logits_net_from_onnx(folder / "fp32.onnx").eval()(pixels), one_view, rtol=1e-3, atol=1e-3)


def test_int8_weights_read_back_quantize_to_themselves(exported, tmp_path):
    """So that re-exporting a shipped file (sbi.export --shipped) keeps its weights bit for bit."""
    _, _, folder = exported
    export_onnx(CalibratedNet(logits_from(folder / "int8.onnx"), 1.3, -0.2), tmp_path / "again.onnx")
    again = int8_weights(quantize_weights(onnx.load(str(tmp_path / "again.onnx"))))
    original = int8_weights(onnx.load(str(folder / "int8.onnx")))
    assert len(again) == len(original) > 0
    for mine, theirs in zip(again, original):
        assert np.array_equal(mine, theirs)


def int8_weights(model):
    """The int8 weights of the convolutions and the head, in the order the graph runs them."""
    arrays = {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}
    quantized = {node.output[0]: arrays[node.input[0]] for node in model.graph.node if node.op_type == "DequantizeLinear"}
    return [quantized[node.input[1]] for node in model.graph.node if node.op_type in ("Conv", "Gemm") and node.input[1] in quantized]
