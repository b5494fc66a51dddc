import sys
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sbi.model import build_net  # noqa: E402  (after the path is set)


@torch.no_grad()
def lively_net(architecture: str = "faceres-bn", seed: int = 0):
    """A random faceres-bn* network whose batch norms standardise each layer, so that most ReLU6 units vary
    with the input: random weights alone die out within a few layers, and a test on such a network would
    compare one constant logit whatever the faces."""
    torch.manual_seed(seed)
    net = build_net(architecture).eval()
    x = net.backbone_input(torch.rand(16, 3, 160, 160) * 255)
    for conv, norm in zip(net.backbone.convolutions(), net.backbone.norms):
        y = conv(x)
        norm.running_mean.copy_(y.mean(dim=(0, 2, 3)))
        norm.running_var.copy_(y.var(dim=(0, 2, 3)))
        norm.weight.uniform_(0.5, 1.5)
        norm.bias.uniform_(0.0, 1.0)
        x = F.relu6(norm(y))
    return net
