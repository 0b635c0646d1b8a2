#!/usr/bin/env python3
"""ONNX fixtures with ONNX Runtime's outputs: QDQ int8 networks (tests/fixtures/onnx-qdq) and single
ops that ../shared/models/onnx/node has no test for (tests/fixtures/onnx-ops).

QDQ:
Builds a small CNN and an MLP in float32 with onnx.helper, shaped as torch.onnx exports them (the
batch size read through Shape -> Gather -> Unsqueeze -> Concat -> Reshape before the classifier;
Conv/Gemm with biases, a Relu after each layer), quantizes each with
onnxruntime.quantization.quantize_static in its default QDQ format (seeded calibration data) in four
variants: int8 or uint8 activations, per-channel or per-tensor int8 weights; then runs every
quantized model in onnxruntime (default session options, CPU provider) on seeded inputs and writes:

  <name>/model.onnx           the quantized (QDQ) model
  <name>/input_<k>.bin        float32 input, raw little-endian
  <name>/expected_<k>.bin     onnxruntime's float32 output for it

Float (tests/fixtures/onnx-ops/<name>/, the same files): the CNN and the MLP before quantization
(cnn_float, mlp_float), and LogSoftmax at opset 11 (the input
coerced to 2-D at the axis) and at opset 13 (one axis), on a [2, 3, 4] input along axis 1.

Needs `pip install onnx onnxruntime numpy` (the tests do not). Run from the repository root:
    python3 tools/make_onnx_fixtures.py
"""
import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import onnxruntime as ort
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures")
OUT = os.path.join(FIXTURES, "onnx-qdq")
OPSET = 17
SAMPLES = 3


def init(rng, name, shape, scale):
    return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)


def batch_flatten(nodes, inits, x, out):
    """torch.flatten(x, 1) as torch.onnx writes it with a dynamic-batch-capable shape subgraph."""
    inits += [numpy_helper.from_array(np.array(0, np.int64), "flat_idx0"),
              numpy_helper.from_array(np.array([0], np.int64), "flat_axes"),
              numpy_helper.from_array(np.array([-1], np.int64), "flat_minus1")]
    nodes += [helper.make_node("Shape", [x], ["flat_shape"]),
              helper.make_node("Gather", ["flat_shape", "flat_idx0"], ["flat_batch"], axis=0),
              helper.make_node("Unsqueeze", ["flat_batch", "flat_axes"], ["flat_batch1"]),
              helper.make_node("Concat", ["flat_batch1", "flat_minus1"], ["flat_target"], axis=0),
              helper.make_node("Reshape", [x, "flat_target"], [out])]


def cnn(rng):
    """Conv 3->8 + Relu, MaxPool, depthwise Conv 8x + Relu, Conv 8->16 stride 2 + Relu, MaxPool, flatten, Gemm 64->10."""
    inits = [init(rng, "conv1.weight", (8, 3, 3, 3), 0.4), init(rng, "conv1.bias", (8,), 0.1),
             init(rng, "dw.weight", (8, 1, 3, 3), 0.5), init(rng, "dw.bias", (8,), 0.1),
             init(rng, "conv2.weight", (16, 8, 3, 3), 0.2), init(rng, "conv2.bias", (16,), 0.1),
             init(rng, "fc.weight", (10, 64), 0.2), init(rng, "fc.bias", (10,), 0.1)]
    nodes = [helper.make_node("Conv", ["input", "conv1.weight", "conv1.bias"], ["c1"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"]),
             helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Conv", ["p1", "dw.weight", "dw.bias"], ["c2"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=8),
             helper.make_node("Relu", ["c2"], ["r2"]),
             helper.make_node("Conv", ["r2", "conv2.weight", "conv2.bias"], ["c3"], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                              strides=[2, 2]),
             helper.make_node("Relu", ["c3"], ["r3"]),
             helper.make_node("MaxPool", ["r3"], ["p3"], kernel_shape=[2, 2], strides=[2, 2])]
    batch_flatten(nodes, inits, "p3", "flat")
    nodes.append(helper.make_node("Gemm", ["flat", "fc.weight", "fc.bias"], ["output"], alpha=1.0, beta=1.0, transB=1))
    return graph("cnn", nodes, inits, [1, 3, 16, 16], [1, 10])


def mlp(rng):
    """flatten, Gemm 64->32 + Relu, Gemm 32->16 + Relu, MatMul 16->10 (a bias-free linear layer)."""
    inits = [init(rng, "fc1.weight", (32, 64), 0.25), init(rng, "fc1.bias", (32,), 0.1),
             init(rng, "fc2.weight", (16, 32), 0.3), init(rng, "fc2.bias", (16,), 0.1),
             init(rng, "fc3.weight_t", (16, 10), 0.4)]
    nodes = []
    batch_flatten(nodes, inits, "input", "flat")
    nodes += [helper.make_node("Gemm", ["flat", "fc1.weight", "fc1.bias"], ["g1"], alpha=1.0, beta=1.0, transB=1),
              helper.make_node("Relu", ["g1"], ["r1"]),
              helper.make_node("Gemm", ["r1", "fc2.weight", "fc2.bias"], ["g2"], alpha=1.0, beta=1.0, transB=1),
              helper.make_node("Relu", ["g2"], ["r2"]),
              helper.make_node("MatMul", ["r2", "fc3.weight_t"], ["output"])]
    return graph("mlp", nodes, inits, [1, 1, 8, 8], [1, 10])


def graph(name, nodes, inits, in_shape, out_shape):
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, in_shape)],
                          [helper.make_tensor_value_info("output", TensorProto.FLOAT, out_shape)], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="micro-codegen fixtures")
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m, in_shape


class Calibration(CalibrationDataReader):
    def __init__(self, shape, seed):
        rng = np.random.default_rng(seed)
        self.samples = iter([{"input": rng.standard_normal(shape).astype(np.float32)} for _ in range(16)])

    def get_next(self):
        return next(self.samples, None)


def write_float(model, shape, seed):
    """The float network itself, with onnxruntime's outputs (tests/fixtures/onnx-ops/<cnn|mlp>_float)."""
    folder = os.path.join(FIXTURES, "onnx-ops", model.graph.name + "_float")
    os.makedirs(folder, exist_ok=True)
    target = os.path.join(folder, "model.onnx")
    onnx.save(model, target)
    session = ort.InferenceSession(target, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(seed + 200)
    for k in range(SAMPLES):
        x = (rng.standard_normal(shape) * (1.0 + 0.5 * k)).astype(np.float32)
        session.run(None, {"input": x})[0].astype(np.float32).tofile(os.path.join(folder, "expected_%d.bin" % k))
        x.tofile(os.path.join(folder, "input_%d.bin" % k))


def single_ops():
    for opset in (11, 13):
        node = helper.make_node("LogSoftmax", ["input"], ["output"], axis=1)
        g = helper.make_graph([node], "log_softmax", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [2, 3, 4])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [2, 3, 4])])
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="micro-codegen fixtures")
        m.ir_version = 7
        onnx.checker.check_model(m)
        folder = os.path.join(FIXTURES, "onnx-ops", "log_softmax_opset%d" % opset)
        os.makedirs(folder, exist_ok=True)
        target = os.path.join(folder, "model.onnx")
        onnx.save(m, target)
        session = ort.InferenceSession(target, providers=["CPUExecutionProvider"])
        rng = np.random.default_rng(opset)
        for k in range(SAMPLES):
            x = (rng.standard_normal([2, 3, 4]) * (1.0 + 4.0 * k)).astype(np.float32)
            y = session.run(None, {"input": x})[0].astype(np.float32)
            x.tofile(os.path.join(folder, "input_%d.bin" % k))
            y.tofile(os.path.join(folder, "expected_%d.bin" % k))


def main():
    single_ops()
    variants = [("s8_per_channel", QuantType.QInt8, True), ("u8_per_tensor", QuantType.QUInt8, False)]
    for build, seed in ((cnn, 1), (mlp, 2)):
        for suffix, activations, per_channel in variants:
            model, shape = build(np.random.default_rng(seed))
            name = model.graph.name + "_" + suffix
            folder = os.path.join(OUT, name)
            os.makedirs(folder, exist_ok=True)
            if suffix == variants[0][0]:
                write_float(model, shape, seed)
            with tempfile.TemporaryDirectory() as tmp:
                fp32 = os.path.join(tmp, "fp32.onnx")
                onnx.save(model, fp32)
                target = os.path.join(folder, "model.onnx")
                quantize_static(fp32, target, Calibration(shape, seed + 100), quant_format=QuantFormat.QDQ,
                                per_channel=per_channel, activation_type=activations, weight_type=QuantType.QInt8)
            session = ort.InferenceSession(target, providers=["CPUExecutionProvider"])
            rng = np.random.default_rng(seed + 200)
            for k in range(SAMPLES):
                x = (rng.standard_normal(shape) * (1.0 + 0.5 * k)).astype(np.float32)
                y = session.run(None, {"input": x})[0].astype(np.float32)
                x.tofile(os.path.join(folder, "input_%d.bin" % k))
                y.tofile(os.path.join(folder, "expected_%d.bin" % k))
            print(name, "ops:", sorted({n.op_type for n in onnx.load(target).graph.node}))
    print("onnxruntime", ort.__version__, "onnx", onnx.__version__, file=sys.stderr)


if __name__ == "__main__":
    main()
