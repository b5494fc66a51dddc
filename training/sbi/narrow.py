"""A narrower FaceRes network's weights picked out of a full-width one: the channels the network uses most.

MobileNet's cost is mostly its pointwise layers, which scale with the square
of the width, so keeping 3/4 of every layer's channels roughly halves the
time per face. Which channels to keep is measured, not guessed: a channel
matters as much as the layer reading it gets from it, i.e. how much its
activation varies over real faces and pseudo-fakes (a constant one is
absorbed by the next batch norm) times the norm of the weights that read it.
What a dropped channel gave on average moves into its reader's bias, so a
channel that is constant (a dead or saturated ReLU6) is dropped at no cost.

The channels form "slots": slot 0 is the stem's output, slot j + 1 block j's
pointwise output. A depthwise convolution keeps its input's slot, so one
choice per slot narrows every tensor that touches it.
"""
from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F

from .model import FaceResDeepfakeNet


class SlotUsage(NamedTuple):
    """Per channel of a slot: how much its reader gets from it, and the mean of what it reads."""
    importance: torch.Tensor
    mean: torch.Tensor


@torch.no_grad()
def channel_usage(net: FaceResDeepfakeNet, pixels: torch.Tensor) -> list[SlotUsage]:
    """Per slot, its channels' usage; `pixels` as the network's forward takes them."""
    net.eval()
    backbone = net.backbone
    activations = []
    x = net.backbone_input(pixels)
    for conv, norm in zip(backbone.convolutions(), backbone.norms):
        x = F.relu6(norm(conv(x)))
        activations.append(x)
    # Block j's pointwise layer reads slot j through block j's depthwise layer (same channels); the head
    # reads the last slot.
    read = [activations[1 + 2 * j] for j in range(len(backbone.pointwise))] + [activations[-1]]
    return [SlotUsage(activation.std(dim=(0, 2, 3)) * weight.norm(dim=0), activation.mean(dim=(0, 2, 3)))
            for activation, weight in zip(read, _reader_weights(net))]


def _reader_weights(net: FaceResDeepfakeNet) -> list[torch.Tensor]:
    """Per slot, the weight of the layer that reads it, as (outputs, channels)."""
    return [pointwise.weight[:, :, 0, 0] for pointwise in net.backbone.pointwise] + [net.head[-1].weight]


def _slots(name: str, blocks: int) -> tuple[int | None, ...]:
    """The slot of each dimension of the parameter `name` (None: a dimension that keeps its size)."""
    module, _, rest = name.partition(".")
    if module == "head":
        return (None, blocks) if rest.endswith("weight") else (None,)
    if not module == "backbone":
        raise ValueError(f"unexpected parameter {name}")
    part, _, rest = rest.partition(".")
    if part == "stem":
        return (0, None)
    index = int(rest.partition(".")[0])
    if part == "depthwise":
        return (index, None)
    if part == "pointwise":
        return (index + 1, index)
    if part == "norms":  # the stem's (slot 0), then per block j a depthwise (slot j) and a pointwise one (j + 1)
        return (index // 2,)
    raise ValueError(f"unexpected parameter {name}")


def narrow_state(state: dict[str, torch.Tensor], keep: list[torch.Tensor]) -> dict[str, torch.Tensor]:
    """`state` with only the channels `keep[slot]` (sorted indices) left in every slot."""
    narrowed = {}
    for name, value in state.items():
        if value.ndim == 0:  # batch norms' step counters
            narrowed[name] = value
            continue
        for dim, slot in enumerate(_slots(name, len(keep) - 1)):
            if slot is not None and dim < value.ndim:
                value = value.index_select(dim, keep[slot])
        narrowed[name] = value
    return narrowed


@torch.no_grad()
def pick_channels(full: FaceResDeepfakeNet, narrow: FaceResDeepfakeNet, pixels: torch.Tensor) -> dict[str, torch.Tensor]:
    """The state dict of `narrow` made of the most used channels of `full` (same blocks, same norms or none)."""
    usage = channel_usage(full, pixels)
    widths = [narrow.backbone.stem[-1].out_channels] + [pointwise.out_channels for pointwise in narrow.backbone.pointwise]
    keep = [slot.importance.topk(width).indices.sort().values for slot, width in zip(usage, widths)]
    state = {name: value.clone() for name, value in full.state_dict().items()}
    bias_names = [f"backbone.pointwise.{j}.bias" for j in range(len(full.backbone.pointwise))] + ["head.1.bias"]
    for slot, kept, weight, bias_name in zip(usage, keep, _reader_weights(full), bias_names):
        dropped = torch.ones_like(slot.mean, dtype=torch.bool)
        dropped[kept] = False
        state[bias_name] += weight[:, dropped] @ slot.mean[dropped]
    return narrow_state(state, keep)
