"""A narrow network picked out of a full one keeps the channels that carry something, and computes what they did."""
import onnx
import pytest
import torch
from conftest import lively_net

from sbi.export import export_onnx
from sbi.model import CalibratedNet, MirrorAveraged, build_net
from sbi.narrow import channel_usage, pick_channels
from sbi.quantize import quantize_weights
from sbi.train import load_initial_weights


def full_net_reading_only(keep_share: float, seed: int = 0):
    """A full-width faceres-bn network whose layers read only a random `keep_share` of each slot's channels
    (the readers' weights on the others are zero), and those channel indices per slot."""
    net = lively_net("faceres-bn", seed)
    readers = [pointwise.weight for pointwise in net.backbone.pointwise] + [net.head[-1].weight]
    kept = []
    with torch.no_grad():
        for weight in readers:
            channels = weight.shape[1]
            chosen = torch.randperm(channels)[: round(channels * keep_share)].sort().values
            unread = torch.ones(channels, dtype=torch.bool)
            unread[chosen] = False
            weight[:, unread] = 0
            kept.append(chosen)
    return net.eval(), kept


def test_importance_is_zero_exactly_for_unread_channels():
    net, kept = full_net_reading_only(0.75)
    usage = channel_usage(net, torch.rand(8, 3, 160, 160) * 255)
    for slot, chosen in zip(usage, kept):
        read = torch.zeros_like(slot.importance, dtype=torch.bool)
        read[chosen] = True
        assert (slot.importance[~read] == 0).all()
        assert (slot.importance[read] > 0).float().mean() > 0.9


def test_narrow_network_computes_what_the_full_one_did():
    net, _ = full_net_reading_only(0.75)
    narrow = build_net("faceres-bn-narrow").eval()
    pixels = torch.rand(8, 3, 160, 160) * 255
    narrow.load_state_dict(pick_channels(net, narrow, pixels))  # strict: every tensor narrowed to fit
    with torch.no_grad():
        expected = net(pixels)
        assert expected.std() > 0.01, "a network whose logit ignores its input would prove nothing"
        assert torch.allclose(narrow(pixels), expected, rtol=1e-4, atol=1e-4)


def test_narrow_network_is_the_advertised_share_of_channels():
    narrow = build_net("faceres-bn-narrow")
    assert narrow.backbone.features == 768
    assert [p.out_channels for p in narrow.backbone.pointwise][:2] == [48, 96]


def test_picking_from_a_network_that_uses_every_channel_changes_its_output():
    """The check above is not vacuous: dropping channels that are read does change the logits."""
    net = lively_net("faceres-bn", 1)
    narrow = build_net("faceres-bn-narrow").eval()
    pixels = torch.rand(8, 3, 160, 160) * 255
    narrow.load_state_dict(pick_channels(net, narrow, pixels))
    with torch.no_grad():
        assert not torch.allclose(narrow(pixels), net(pixels), rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("arch, features, first_widths", [("faceres-bn-half-128", 512, [32, 64]),
                                                          ("faceres-bn-5of8-128", 640, [40, 80])])
def test_a_shipped_narrow_file_starts_a_narrower_network(tmp_path, arch, features, first_widths):
    """--init picks channels from any width, not only FaceRes' full one: a narrower network starts from the
    shipped file (3/4 width, mirror-averaged, int8), whose head reads 768 features."""
    narrow = lively_net("faceres-bn-narrow-128")
    export_onnx(CalibratedNet(MirrorAveraged(narrow), 1.3, -0.2), tmp_path / "fp32.onnx")
    onnx.save(quantize_weights(onnx.load(str(tmp_path / "fp32.onnx"))), str(tmp_path / "shipped.onnx"))
    narrower = build_net(arch)
    norms_unset = load_initial_weights(narrower, tmp_path / "shipped.onnx", torch.rand(8, 3, 160, 160) * 255)
    assert norms_unset, "a folded file brings no batch norms: training sets them up afresh"
    assert narrower.backbone.features == features
    assert [p.out_channels for p in narrower.backbone.pointwise][:2] == first_widths
    with torch.no_grad():
        assert narrower.eval()(torch.rand(4, 3, 160, 160) * 255).std() > 0, "the picked weights must compute something"
