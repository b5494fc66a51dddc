"""The classifiers we train, each with its pixel normalisation built in, so the app always feeds RGB 0..255."""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import torch
from torch import nn
from torch.nn import functional as F
from torchvision.models import mobilenet_v3_small

from .faceres import (ALL_BLOCKS, FIVE_EIGHTHS_WIDTH, HALF_WIDTH, LITE_BLOCKS, NARROW_WIDTH, FaceResBackbone, faceres_input,
                      read_tfjs_weights)
from .mobilefacenet import SIDE as MOBILEFACENET_SIDE, MobileFaceNetTrunk, mobilefacenet_input

#: Input sides of the narrow network's resizing variants (the crop itself is 160 px).
NARROW_SIDES = (128, 112)
#: The mirror-symmetric network's side: each of its five stride-2 layers samples a grid that is its own mirror
#: image only on an odd side, 129 -> 65 -> 33 -> 17 -> 9 (-> 5); the nearest such side to 128.
SYMMETRIC_SIDE = 129
#: Widths under the narrow one, tried for the one-thread speed target (sbi/faceres.py), each cut from a wider
#: network's file and looking at 128 px.
NARROWER_WIDTHS = {"half": HALF_WIDTH, "5of8": FIVE_EIGHTHS_WIDTH}


def _narrow_resized(side: int, width: float = NARROW_WIDTH, cut: bool = False) -> str:
    """The start of the description of every narrow network that resizes its crop (written into deepfake.json);
    `cut`: it starts from the most used channels of a wider network's file (`--init`), whose width the
    architecture does not fix (the 5/8 layout was cut from a 3/4 file and from a full-width one)."""
    picked = " (the most used ones of the wider network it was cut from)" if cut else ""
    return ("MobileNet v1 initialised from FaceRes (VGGFace2 face identification), batch norms restored, "
            f"all 13 blocks at {width} of the channels{picked}, looking at its 160 px crop resized to {side} px")


ARCHITECTURES = {
    "mobilenetv3": "MobileNetV3-small (from scratch), 1 output",
    "faceres": "MobileNet v1 initialised from FaceRes (VGGFace2 face identification), 1 output",
    "faceres-bn": "MobileNet v1 initialised from FaceRes (VGGFace2 face identification), batch norms restored, 1 output",
    "faceres-bn-lite": "MobileNet v1 initialised from FaceRes (VGGFace2 face identification), batch norms restored, "
                       "9 of its 13 blocks (1-8 and 12), 1 output",
    "faceres-bn-narrow": "MobileNet v1 initialised from FaceRes (VGGFace2 face identification), batch norms restored, "
                         f"all 13 blocks at {NARROW_WIDTH} of the channels (the most used ones of a full network's), 1 output",
    **{f"faceres-bn-narrow-{side}": f"{_narrow_resized(side)}, 1 output" for side in NARROW_SIDES},
    **{f"faceres-bn-{name}-128": f"{_narrow_resized(128, width, cut=True)}, 1 output"
       for name, width in NARROWER_WIDTHS.items()},
    f"faceres-bn-narrow-{SYMMETRIC_SIDE}-symmetric": f"{_narrow_resized(SYMMETRIC_SIDE)}, every 3x3 kernel its own mirror "
                                                     "image and evenly padded: a face and its mirror image score the same, 1 output",
    f"mobilefacenet-bn-{MOBILEFACENET_SIDE}": "MobileFaceNet's convolutional trunk initialised from MobileFaceNet_TF (MS1M face "
                                              "identification), batch norms restored, looking at its 160 px crop resized to "
                                              f"{MOBILEFACENET_SIDE} px, 1 output",
}


class Layout(NamedTuple):
    """Which of FaceRes' blocks a FaceRes architecture keeps, whether it has batch norms, its width multiplier,
    the side it resizes the crop to first (None: the crop's own): a network's cost goes with its input's area;
    and whether it is mirror-symmetric by construction (FaceResBackbone)."""
    kept: tuple[int, ...]
    batch_norm: bool
    width: float = 1.0
    sees: int | None = None
    symmetric: bool = False


FACERES_LAYOUTS = {
    "faceres": Layout(ALL_BLOCKS, False),
    "faceres-bn": Layout(ALL_BLOCKS, True),
    "faceres-bn-lite": Layout(LITE_BLOCKS, True),
    "faceres-bn-narrow": Layout(ALL_BLOCKS, True, NARROW_WIDTH),
    **{f"faceres-bn-narrow-{side}": Layout(ALL_BLOCKS, True, NARROW_WIDTH, side) for side in NARROW_SIDES},
    **{f"faceres-bn-{name}-128": Layout(ALL_BLOCKS, True, width, 128) for name, width in NARROWER_WIDTHS.items()},
    f"faceres-bn-narrow-{SYMMETRIC_SIDE}-symmetric": Layout(ALL_BLOCKS, True, NARROW_WIDTH, SYMMETRIC_SIDE, symmetric=True),
}


class DeepfakeNet(nn.Module):
    """MobileNetV3-small from scratch. Input: float32 RGB in 0..255, (N, 3, 160, 160). Output: one logit per face."""

    def __init__(self):
        super().__init__()
        self.backbone = mobilenet_v3_small(num_classes=1)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.backbone(pixels / 127.5 - 1.0)


class FaceResDeepfakeNet(nn.Module):
    """FaceRes' MobileNet v1 with a new one-logit head. Same input and output as DeepfakeNet."""

    def __init__(self, batch_norm: bool = False, kept: tuple[int, ...] = ALL_BLOCKS, width: float = 1.0, sees: int | None = None,
                 symmetric: bool = False):
        super().__init__()
        self.backbone = FaceResBackbone(batch_norm, kept, width, symmetric)
        self.head = nn.Sequential(nn.Dropout(0.2), nn.Linear(self.backbone.features, 1))
        self.sees = sees

    def backbone_input(self, pixels: torch.Tensor) -> torch.Tensor:
        if self.sees is not None:
            pixels = F.interpolate(pixels, size=(self.sees, self.sees), mode="bilinear", align_corners=False)
        return faceres_input(pixels)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.forward_with_map(pixels)[0]

    def forward_with_map(self, pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The logit and the backbone's finest whole-face feature map (FaceResBackbone.forward_with_map), for training
        heads that only training uses (sbi.train's --boundary-weight)."""
        features, tapped = self.backbone.forward_with_map(self.backbone_input(pixels))
        return self.head(features), tapped

    def forward_with_features(self, pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The logit and the pooled features the head reads (before its dropout), for sbi.train's --consistency-features."""
        features = self.backbone(self.backbone_input(pixels))
        return self.head(features), features

    def forward_undropped(self, pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The logit, and the same logit without the head's dropout (as the exported network computes it): the two
        views of a face otherwise differ by two dropout draws as well as by their framing, and sbi.train's
        --consistency-undropped asks only the framing's part of that spread to vanish."""
        logits, features = self.forward_with_features(pixels)
        return logits, self.head[1:](features)


class MobileFaceNetDeepfakeNet(nn.Module):
    """MobileFaceNet's trunk with a one-logit head, looking at the crop resized to the side it was trained on.
    Same input and output as DeepfakeNet.

    The head normalises the pooled features first: unbounded PReLU channels carry constant offsets that dwarf their
    spread from face to face, which put a fresh linear layer's first logits far from zero and sank the first run
    (models/EXPERIMENTS.md, "Another pretrained start")."""

    def __init__(self):
        super().__init__()
        self.backbone = MobileFaceNetTrunk()
        self.head = nn.Sequential(nn.BatchNorm1d(self.backbone.features), nn.Dropout(0.2), nn.Linear(self.backbone.features, 1))

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        pixels = F.interpolate(pixels, size=(MOBILEFACENET_SIDE, MOBILEFACENET_SIDE), mode="bilinear", align_corners=False)
        return self.head(self.backbone(mobilefacenet_input(pixels)))


def restores_batch_norms(architecture: str) -> bool:
    """Whether the architecture puts batch norms back into a pretrained network whose norms were folded away: they
    start as the identity on a sample (sbi.norms.init_batch_norms_as_identity) unless the weights loaded bring their own."""
    return architecture in FACERES_LAYOUTS and FACERES_LAYOUTS[architecture].batch_norm or architecture.startswith("mobilefacenet")


def build_net(architecture: str, pretrained: Path | None = None) -> nn.Module:
    """A fresh network; `pretrained` (FaceRes' or MobileFaceNet's model.json, as the architecture says) loads the
    face-identification weights into the backbone."""
    if architecture == "mobilenetv3":
        if pretrained:
            raise ValueError("mobilenetv3 has no pretrained weights; it trains from scratch")
        return DeepfakeNet()
    if architecture in FACERES_LAYOUTS:
        layout = FACERES_LAYOUTS[architecture]
        net = FaceResDeepfakeNet(layout.batch_norm, layout.kept, layout.width, layout.sees, layout.symmetric)
    elif architecture == f"mobilefacenet-bn-{MOBILEFACENET_SIDE}":
        net = MobileFaceNetDeepfakeNet()
    else:
        raise ValueError(f"unknown architecture {architecture!r}; known: {', '.join(ARCHITECTURES)}")
    if pretrained:
        net.backbone.load_tfjs(read_tfjs_weights(pretrained))
    return net


class MirrorAveraged(nn.Module):
    """Scores each face as the mean of `net`'s logits for it and for its left-right mirror image.

    Training flips faces at random, so both views are ones the network was taught to score alike; their mean is a
    two-view ensemble for twice one view's time. One batch of twice the faces keeps the graph's layers single.
    """

    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        face, mirror = self.net(torch.cat([pixels, pixels.flip(3)])).chunk(2)
        return (face + mirror) / 2


class CalibratedNet(nn.Module):
    """What ships: sigmoid(a * logit + b), with a and b fitted on validation faces so that 0.5 is the threshold."""

    def __init__(self, net: nn.Module, scale: float, bias: float):
        super().__init__()
        self.net = net
        self.register_buffer("scale", torch.tensor(float(scale)))
        self.register_buffer("bias", torch.tensor(float(bias)))

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.net(pixels) * self.scale + self.bias)
