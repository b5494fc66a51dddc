"""A shipped classifier's ONNX file gives back the network it was exported from."""
import onnx
import pytest
import torch

from sbi.export import export_onnx
from sbi.model import CalibratedNet, build_net
from sbi.onnx_weights import faceres_net_from_onnx, faceres_state_from_onnx
from sbi.quantize import quantize_weights


@pytest.fixture(scope="module", params=["faceres-bn", "faceres-bn-lite", "faceres-bn-narrow", "faceres-bn-narrow-128"])
def exported(request, tmp_path_factory):
    """A net with non-trivial batch norms, exported as the shipped model is (norms folded, fp32 and int8)."""
    torch.manual_seed(0)
    net = build_net(request.param)
    pixels = torch.rand(4, 3, 160, 160) * 255
    net.init_batch_norm_as_identity(pixels)
    with torch.no_grad():
        for norm in net.backbone.norms:
            norm.weight.mul_(torch.empty_like(norm.weight).uniform_(0.5, 1.5))
            norm.bias.add_(torch.randn_like(norm.bias) * 0.1)
    net.eval()
    folder = tmp_path_factory.mktemp("export")
    export_onnx(CalibratedNet(net, 1.3, -0.2), folder / "fp32.onnx")
    onnx.save(quantize_weights(onnx.load(str(folder / "fp32.onnx"))), str(folder / "int8.onnx"))
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
