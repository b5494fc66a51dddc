"""Runs a small float TFLite convolutional network in PyTorch, read straight from its FlatBuffer file.

Enough of the TFLite format for MediaPipe's face landmark model
(face_landmark.tflite): float32 or float16 constants, and the operators
CONV_2D, DEPTHWISE_CONV_2D, PRELU, ADD, MAX_POOL_2D, PAD and DEQUANTIZE.
Any other operator is refused by name. Field numbers follow the public
schema (tensorflow/lite/schema/schema.fbs); `src/faces/tflite/schema.fbs`
holds the part of it that the app reads.
"""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

# BuiltinOperator codes of the schema.
ADD, CONV_2D, DEPTHWISE_CONV_2D, DEQUANTIZE, MAX_POOL_2D, PAD, PRELU = 0, 3, 4, 6, 17, 34, 54
OPERATOR_NAMES = {ADD: "ADD", CONV_2D: "CONV_2D", DEPTHWISE_CONV_2D: "DEPTHWISE_CONV_2D", DEQUANTIZE: "DEQUANTIZE",
                  MAX_POOL_2D: "MAX_POOL_2D", PAD: "PAD", PRELU: "PRELU"}
TENSOR_TYPES = {0: np.float32, 1: np.float16, 2: np.int32}  # TensorType: FLOAT32, FLOAT16, INT32
SAME, VALID = 0, 1  # Padding
FUSED_NONE, FUSED_RELU, FUSED_RELU6 = 0, 1, 3  # ActivationFunctionType


class Table:
    """A FlatBuffers table: fields by number, read on demand."""

    def __init__(self, data: bytes, position: int):
        self.data, self.position = data, position
        self.vtable = position - struct.unpack_from("<i", data, position)[0]
        self.vtable_size = struct.unpack_from("<H", data, self.vtable)[0]

    def _offset(self, field: int) -> int:
        entry = 4 + 2 * field
        return struct.unpack_from("<H", self.data, self.vtable + entry)[0] if entry < self.vtable_size else 0

    def scalar(self, field: int, fmt: str, default=0):
        offset = self._offset(field)
        return struct.unpack_from("<" + fmt, self.data, self.position + offset)[0] if offset else default

    def _target(self, field: int) -> int | None:
        offset = self._offset(field)
        if not offset:
            return None
        where = self.position + offset
        return where + struct.unpack_from("<I", self.data, where)[0]

    def table(self, field: int) -> "Table | None":
        target = self._target(field)
        return None if target is None else Table(self.data, target)

    def vector(self, field: int, dtype) -> np.ndarray:
        target = self._target(field)
        if target is None:
            return np.zeros(0, dtype)
        count = struct.unpack_from("<I", self.data, target)[0]
        return np.frombuffer(self.data, dtype=np.dtype(dtype).newbyteorder("<"), count=count, offset=target + 4)

    def tables(self, field: int) -> list["Table"]:
        target = self._target(field)
        if target is None:
            return []
        count = struct.unpack_from("<I", self.data, target)[0]
        slots = [target + 4 + 4 * k for k in range(count)]
        return [Table(self.data, slot + struct.unpack_from("<I", self.data, slot)[0]) for slot in slots]

    def string(self, field: int) -> str:
        return bytes(self.vector(field, np.uint8)).decode()


def same_padding(size: int, kernel: int, stride: int, dilation: int = 1) -> tuple[int, int]:
    """TensorFlow's 'SAME': as much padding as the last window needs, the odd pixel after."""
    reach = (kernel - 1) * dilation + 1
    total = max((-(-size // stride) - 1) * stride + reach - size, 0)
    return total // 2, total - total // 2


def activate(x: torch.Tensor, fused: int) -> torch.Tensor:
    if fused == FUSED_NONE:
        return x
    if fused == FUSED_RELU:
        return F.relu(x)
    if fused == FUSED_RELU6:
        return F.relu6(x)
    raise NotImplementedError(f"fused activation {fused}")


class TFLiteNet(torch.nn.Module):
    """The first subgraph of a .tflite file as a PyTorch module: NHWC float input in, the graph's outputs out (NHWC)."""

    def __init__(self, path: Path):
        super().__init__()
        data = Path(path).read_bytes()
        model = Table(data, struct.unpack_from("<I", data, 0)[0])
        codes = [max(code.scalar(0, "b"), code.scalar(3, "i")) for code in model.tables(1)]
        buffers = model.tables(4)
        graph = model.tables(2)[0]
        tensors = graph.tables(0)
        self.names = [tensor.string(3) for tensor in tensors]
        self.inputs = [int(i) for i in graph.vector(1, np.int32)]
        self.outputs = [int(i) for i in graph.vector(2, np.int32)]
        self.steps: list[tuple[int, list[int], int, Table | None]] = []
        constants: dict[int, np.ndarray] = {}
        for index, tensor in enumerate(tensors):
            raw = buffers[tensor.scalar(2, "I")].vector(0, np.uint8)
            if len(raw):
                dtype = TENSOR_TYPES[tensor.scalar(1, "b")]
                constants[index] = np.frombuffer(raw.tobytes(), dtype).reshape(tensor.vector(0, np.int32))
        for operator in graph.tables(3):
            code = codes[operator.scalar(0, "I")]
            if code not in OPERATOR_NAMES:
                raise NotImplementedError(f"{path}: TFLite operator {code} is not supported")
            inputs = [int(i) for i in operator.vector(1, np.int32)]
            (output,) = operator.vector(2, np.int32)
            if code == DEQUANTIZE:  # float16 weights: widen them once, here
                constants[int(output)] = constants[inputs[0]].astype(np.float32)
                continue
            self.steps.append((code, inputs, int(output), operator.table(4)))
        self.constants = {index: torch.from_numpy(np.array(value, dtype=np.float32 if value.dtype != np.int32 else np.int32))
                          for index, value in constants.items()}

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        values: dict[int, torch.Tensor] = {self.inputs[0]: x.permute(0, 3, 1, 2)}  # NCHW inside
        for code, inputs, output, options in self.steps:
            args = [values[i] if i in values else self.constants[i] for i in inputs if i >= 0]
            values[output] = self._run(code, args, options)
        return [values[i].permute(0, 2, 3, 1) for i in self.outputs]

    @staticmethod
    def _run(code: int, args: list[torch.Tensor], options: Table | None) -> torch.Tensor:
        if code in (CONV_2D, DEPTHWISE_CONV_2D):
            x, weight, *bias = args
            depthwise = code == DEPTHWISE_CONV_2D
            padding, stride = options.scalar(0, "b"), (options.scalar(2, "i"), options.scalar(1, "i"))  # stride_h, stride_w
            fused = options.scalar(4 if depthwise else 3, "b")  # DepthwiseConv2DOptions has depth_multiplier before it
            weight = weight.permute(3, 0, 1, 2) if depthwise else weight.permute(0, 3, 1, 2)  # 1HWC -> C1HW, OHWI -> OIHW
            x = pad_same(x, weight.shape[2:], stride) if padding == SAME else x
            convolved = F.conv2d(x, weight, bias[0] if bias else None, stride, groups=x.shape[1] if depthwise else 1)
            return activate(convolved, fused)
        if code == PRELU:
            x, alpha = args
            alpha = alpha.reshape(1, -1, 1, 1) if alpha.numel() == x.shape[1] else alpha.permute(2, 0, 1).unsqueeze(0)
            return torch.where(x >= 0, x, x * alpha)
        if code == ADD:
            return activate(args[0] + args[1], options.scalar(0, "b") if options else FUSED_NONE)
        if code == MAX_POOL_2D:
            (x,) = args
            padding, stride_w, stride_h, width, height = (options.scalar(i, "b" if i == 0 else "i") for i in range(5))
            x = pad_same(x, (height, width), (stride_h, stride_w), value=float("-inf")) if padding == SAME else x
            return F.max_pool2d(x, (height, width), (stride_h, stride_w))
        if code == PAD:
            x, paddings = args
            (n0, n1), (h0, h1), (w0, w1), (c0, c1) = paddings.tolist()  # NHWC order
            if n0 or n1:
                raise NotImplementedError("padding the batch")
            return F.pad(x, (w0, w1, h0, h1, c0, c1))
        raise NotImplementedError(code)


def pad_same(x: torch.Tensor, kernel, stride, value: float = 0.0) -> torch.Tensor:
    top, bottom = same_padding(x.shape[2], kernel[0], stride[0])
    left, right = same_padding(x.shape[3], kernel[1], stride[1])
    return F.pad(x, (left, right, top, bottom), value=value)
