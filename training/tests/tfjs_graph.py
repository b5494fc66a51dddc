"""A literal interpreter of a TFJS graph model, for the ops MobileFaceNet's graph uses: the reference our hand-built
PyTorch module is checked against. It follows the graph as written (node by node, TF's padding rules, the
converter's fused ops), so it shares no layer code with sbi.mobilefacenet."""
from __future__ import annotations

import base64
import json
import math
from pathlib import Path

import torch
import torch.nn.functional as F

from sbi.faceres import read_tfjs_weights


def _text(attr: dict) -> str:
    return base64.b64decode(attr["s"]).decode()


def _same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def _convolve(x: torch.Tensor, kernel: torch.Tensor, node: dict, depthwise: bool) -> torch.Tensor:
    """x: NHWC; kernel: HWIO (HWC1 when depthwise). Returns NHWC."""
    attr = node["attr"]
    stride = int(attr["strides"]["list"]["i"][1])
    x = x.permute(0, 3, 1, 2)
    if _text(attr["padding"]) == "SAME":
        top, bottom = _same_padding(x.shape[2], kernel.shape[0], stride)
        left, right = _same_padding(x.shape[3], kernel.shape[1], stride)
        x = F.pad(x, (left, right, top, bottom))
    weight = kernel.permute(2, 3, 0, 1) if depthwise else kernel.permute(3, 2, 0, 1)
    y = F.conv2d(x, weight, stride=stride, groups=x.shape[1] if depthwise else 1)
    return y.permute(0, 2, 3, 1)


def run_graph(model_json: Path, inputs: torch.Tensor, output: str) -> torch.Tensor:
    """The value of node `output` for `inputs` (NHWC float32) fed to the graph's one placeholder."""
    nodes = {node["name"]: node for node in json.loads(model_json.read_text())["modelTopology"]["node"]}
    values = {name: torch.from_numpy(value) for name, value in read_tfjs_weights(model_json).items()}

    def value(name: str) -> torch.Tensor:
        name = name.split(":")[0]
        if name not in values:
            values[name] = evaluate(nodes[name])
        return values[name]

    def evaluate(node: dict) -> torch.Tensor:
        op, args = node["op"], [value(name) for name in node.get("input", [])]
        if op == "Placeholder":
            return inputs
        if op in ("_FusedConv2D", "FusedDepthwiseConv2dNative"):
            y = _convolve(args[0], args[1], node, depthwise=op != "_FusedConv2D")
            for fused in node["attr"]["fused_ops"]["list"]["s"]:
                fused = base64.b64decode(fused).decode()
                if fused == "BiasAdd":
                    y = y + args[2]
                elif fused == "Relu":
                    y = F.relu(y)
                else:
                    raise NotImplementedError(f"fused op {fused}")
            return y
        unary = {"Relu": F.relu, "Abs": torch.abs, "Square": torch.square, "Rsqrt": torch.rsqrt}
        binary = {"Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Maximum": torch.maximum}
        if op in unary:
            return unary[op](args[0])
        if op in binary:
            return binary[op](args[0], args[1])
        if op == "Squeeze":
            return args[0].squeeze(2).squeeze(1)
        if op == "Sum":
            return args[0].sum(dim=int(args[1]), keepdim=bool(node["attr"].get("keep_dims", {}).get("b", False)))
        raise NotImplementedError(f"{op} ({node['name']})")

    with torch.no_grad():
        return value(output)
