"""A shipped FaceRes classifier's weights read back from its ONNX file, to train on from it.

Runs keep their checkpoints outside the repository, so a later stage may
have only the committed `models/deepfake.onnx` to start from. The export
folded the batch norms into the convolutions and the int8 file keeps each
weight as int8 with a per-channel scale; this dequantizes them and returns
the state dict of the folded `faceres` network (all blocks or the lite
layout's, at full width or narrowed, looking at the crop as it is or
resized, mirror-symmetric or not), which `--init` loads into a faceres run
or, with fresh batch norms, a faceres-bn, -lite or -narrow run. The
calibration (sigmoid scale and bias) is not part of it: export fits it
anew. A --distill teacher is read with the rest of what the file computes
before calibrating (the mirror image's view, where the file has one).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from .faceres import ALL_BLOCKS, LITE_BLOCKS, width_of
from .model import FaceResDeepfakeNet, MirrorAveraged
from .onnx_scores import second_view_from


def _constants(graph: onnx.GraphProto) -> dict[str, np.ndarray]:
    """Every constant value in the graph, DequantizeLinear outputs of constant inputs included."""
    values = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant":
            values[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
        elif node.op_type == "DequantizeLinear" and all(name in values for name in node.input):
            quantized, scale, zero = (values[name] for name in node.input)
            axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
            shape = [1] * quantized.ndim
            shape[axis] = -1
            values[node.output[0]] = (quantized.astype(np.float32) - zero.astype(np.float32).reshape(shape)) * scale.reshape(shape)
    return values


def _resized_side(graph: onnx.GraphProto, values: dict[str, np.ndarray]) -> int | None:
    """The side a Resize at the input scales the crop to, or None without one.

    torch writes its target size as the input's (N, C) concatenated with a constant (H, W).
    """
    resizes = [node for node in graph.node if node.op_type == "Resize"]
    if not resizes:
        return None
    producers = {output: node for node in graph.node for output in node.output}
    sizes = producers[resizes[0].input[3]]
    side = next(values[name] for name in sizes.input if name in values and values[name].shape == (2,))
    return int(side[0])


def faceres_net_from_onnx(path: Path) -> FaceResDeepfakeNet:
    """The folded `faceres` network (all blocks or the lite layout's, any width) of the exported classifier at `path`.

    Without its calibration: it gives logits.
    """
    graph = onnx.load(str(path)).graph
    return _faceres_net(graph, _constants(graph), path)


def _faceres_net(graph: onnx.GraphProto, values: dict[str, np.ndarray], path: Path) -> FaceResDeepfakeNet:
    convs = [node for node in graph.node if node.op_type == "Conv"]
    gemms = [node for node in graph.node if node.op_type == "Gemm"]
    # A stem and two convolutions per block tell the layout apart.
    layouts = {1 + 2 * len(kept): kept for kept in (ALL_BLOCKS, LITE_BLOCKS)}
    if len(convs) not in layouts or len(gemms) != 1:
        raise ValueError(f"{path} is not a FaceRes classifier: {len(convs)} convolutions and {len(gemms)} Gemm, "
                         f"expected {' or '.join(map(str, layouts))} and 1")
    head = gemms[0]
    transposed = next((a.i for a in head.attribute if a.name == "transB"), 0)
    weight = values[head.input[1]]
    weight = weight if transposed else weight.T
    net = FaceResDeepfakeNet(kept=layouts[len(convs)], width=width_of(weight.shape[1]), sees=_resized_side(graph, values),
                             symmetric=_kernels_symmetric(convs, values))
    # The graph meets the convolutions in the order the backbone lists them.
    layers = [layer[-1] if isinstance(layer, torch.nn.Sequential) else layer for layer in net.backbone.convolutions()]
    names = {module: name for name, module in net.named_modules()}
    state = {}
    for node, layer in zip(convs, layers):
        state[f"{names[layer]}.weight"] = values[node.input[1]]
        state[f"{names[layer]}.bias"] = values[node.input[2]]
    state["head.1.weight"] = weight
    state["head.1.bias"] = values[head.input[2]]
    net.load_state_dict({name: torch.from_numpy(np.array(value, dtype=np.float32)) for name, value in state.items()})
    return net


def _kernels_symmetric(convs: list[onnx.NodeProto], values: dict[str, np.ndarray]) -> bool:
    """Whether every 3x3 kernel is its own mirror image, as only a mirror-symmetric network's are (whose stride-2
    layers then pad evenly: torch computes a Pad's sizes in the graph, so the kernels are what can be read)."""
    kernels = [values[node.input[1]] for node in convs if values[node.input[1]].shape[-1] == 3]
    return all(np.array_equal(kernel, kernel[..., ::-1]) for kernel in kernels)


def _mirrors_faces(graph: onnx.GraphProto, values: dict[str, np.ndarray]) -> bool:
    """Whether the graph also scores each face's mirror image: a Slice of its input itself that steps backwards
    along the width axis (how model.MirrorAveraged exports)."""
    inputs = {value.name for value in graph.input}
    for node in graph.node:
        if node.op_type == "Slice" and node.input[0] in inputs and len(node.input) == 5:
            axes, steps = values.get(node.input[3]), values.get(node.input[4])
            if axes is not None and steps is not None and any(a in (3, -1) and s < 0 for a, s in zip(axes, steps)):
                return True
    return False


def logits_net_from_onnx(path: Path) -> torch.nn.Module:
    """The logit the file at `path` calibrates: its network, averaged over each face and its mirror image where the
    file does that, or has its runner do it from a score up (a `second_view_from` output, sbi.second_view: the
    teacher gives the mean everywhere). A --distill teacher must be this, not the network alone, or a mirrored file
    would teach one view."""
    model = onnx.load(str(path))
    values = _constants(model.graph)
    net = _faceres_net(model.graph, values, path)
    looks_twice = _mirrors_faces(model.graph, values) or second_view_from(model) is not None
    return MirrorAveraged(net) if looks_twice else net


def faceres_state_from_onnx(path: Path) -> dict[str, torch.Tensor]:
    """State dict of that network, for --init."""
    return faceres_net_from_onnx(path).state_dict()
