"""The classifier: MobileNetV3-small, trained from scratch, with pixel normalisation built in."""
import torch
from torch import nn
from torchvision.models import mobilenet_v3_small


class DeepfakeNet(nn.Module):
    """Input: float32 RGB in 0..255, (N, 3, 160, 160). Output: one logit per face (higher: more likely fake)."""

    def __init__(self):
        super().__init__()
        self.backbone = mobilenet_v3_small(num_classes=1)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.backbone(pixels / 127.5 - 1.0)


class CalibratedNet(nn.Module):
    """What ships: sigmoid(a * logit + b), with a and b fitted on validation faces so that 0.5 is the threshold."""

    def __init__(self, net: DeepfakeNet, scale: float, bias: float):
        super().__init__()
        self.net = net
        self.register_buffer("scale", torch.tensor(float(scale)))
        self.register_buffer("bias", torch.tensor(float(bias)))

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.net(pixels) * self.scale + self.bias)
