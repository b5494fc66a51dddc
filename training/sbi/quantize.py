"""Weight-only int8 quantisation of an ONNX model, in QDQ form.

onnxruntime's Python quantiser is not packaged for Debian, so this does the
one thing we need: every Conv and Gemm weight becomes an int8 initializer
with a per-output-channel scale, read through a DequantizeLinear node
(opset 13, which onnxruntime-web runs). Activations stay float32, so the
model shrinks about 4x and its outputs move very little.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import helper, numpy_helper


def quantize_weights(model: onnx.ModelProto, min_elements: int = 256) -> onnx.ModelProto:
    graph = model.graph
    initializers = {init.name: init for init in graph.initializer}
    weight_inputs = {node.input[1] for node in graph.node if node.op_type in ("Conv", "Gemm") and len(node.input) > 1}
    new_nodes = []
    for name in sorted(weight_inputs):
        init = initializers.get(name)
        if init is None:
            continue
        weights = numpy_helper.to_array(init).astype(np.float32)
        if weights.size < min_elements:
            continue
        channels = weights.reshape(weights.shape[0], -1)
        scale = np.abs(channels).max(axis=1) / 127.0
        scale[scale == 0] = 1.0
        shape = (-1,) + (1,) * (weights.ndim - 1)
        quantized = np.clip(np.round(weights / scale.reshape(shape)), -127, 127).astype(np.int8)
        graph.initializer.remove(init)
        graph.initializer.extend(
            [
                numpy_helper.from_array(quantized, f"{name}_int8"),
                numpy_helper.from_array(scale.astype(np.float32), f"{name}_scale"),
                numpy_helper.from_array(np.zeros(len(scale), np.int8), f"{name}_zero"),
            ]
        )
        new_nodes.append(
            helper.make_node("DequantizeLinear", [f"{name}_int8", f"{name}_scale", f"{name}_zero"], [name], name=f"{name}_dequantize", axis=0)
        )
    # DequantizeLinear outputs must exist before their consumers: put them first.
    nodes = new_nodes + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    return model
