#!/usr/bin/env python3
"""Reference vectors for the integer elementwise and pooling kernels, computed by LiteRT's
reference kernels (OpResolverType.BUILTIN_REF).

Usage:
    pip install ai-edge-litert numpy     # made with ai-edge-litert 2.3.0
    python3 tools/litert_elementwise_vectors.py

Every case is a one-operator .tflite model written here directly with the FlatBuffers schema that
ai-edge-litert ships (no TensorFlow converter), so the scales and zero points are chosen on purpose:
ratios that make ties, zero points at the range ends, broadcasting, SAME padding at odd sizes. The
inputs come from a numpy RNG seeded per case (crc32 of its name) and cover each type's full range.

Writes runtime-micro/c/test/vectors/litert_elementwise.txt, read by codegen-core's
LiteRtElementwiseVectorsTest, which derives each kernel's parameters with org.microcodegen.quant,
runs the Java kernels and (compiled by the host C compiler) the C kernels, and requires both to
equal LiteRT's outputs exactly (LiteRT 2.3's reference kernels use single rounding).

File format, one record per case:
    case NAME OP
    opt KEY=VALUE ...                       (op options; may be absent)
    tensor ROLE DTYPE SHAPE SCALE_BITS ZP DATA...
        ROLE in1|in2|out; DTYPE int8|int16|int32|float32; SHAPE d0,d1,...; SCALE_BITS the float32
        scale as 8 hex digits (0 for float tensors); DATA the values, float32 ones as 8 hex digits
    end
"""

import os
import struct
import sys
import zlib

import numpy as np
from ai_edge_litert import schema_py_generated as fb
from ai_edge_litert.interpreter import Interpreter, OpResolverType
import flatbuffers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "runtime-micro", "c", "test", "vectors", "litert_elementwise.txt")

TYPES = {
    "int8": (fb.TensorType.INT8, np.int8),
    "int16": (fb.TensorType.INT16, np.int16),
    "int32": (fb.TensorType.INT32, np.int32),
    "float32": (fb.TensorType.FLOAT32, np.float32),
}


def f32_bits(x):
    return "%08x" % struct.unpack("<I", struct.pack("<f", float(np.float32(x))))[0]


class T:
    """A tensor of the model: dtype, shape, quantization (None for float), constant data or None."""

    def __init__(self, dtype, shape, scale=None, zp=0, const=None):
        self.dtype, self.shape, self.scale, self.zp, self.const = dtype, list(shape), scale, zp, const


def build(op, opts_type, opts, tensors, inputs, outputs):
    model = fb.ModelT()
    model.version = 3
    code = fb.OperatorCodeT()
    code.builtinCode = op
    code.deprecatedBuiltinCode = min(op, 127)
    code.version = 1
    model.operatorCodes = [code]
    model.buffers = [fb.BufferT()]
    sub = fb.SubGraphT()
    sub.tensors = []
    for i, t in enumerate(tensors):
        tt = fb.TensorT()
        tt.shape = np.array(t.shape, dtype=np.int32)
        tt.type = TYPES[t.dtype][0]
        tt.name = ("t%d" % i).encode()
        buf = fb.BufferT()
        if t.const is not None:
            buf.data = np.frombuffer(np.asarray(t.const, dtype=TYPES[t.dtype][1]).tobytes(), dtype=np.uint8)
        model.buffers.append(buf)
        tt.buffer = len(model.buffers) - 1
        if t.scale is not None:
            q = fb.QuantizationParametersT()
            q.scale = [float(np.float32(t.scale))]
            q.zeroPoint = [int(t.zp)]
            tt.quantization = q
        sub.tensors.append(tt)
    o = fb.OperatorT()
    o.opcodeIndex = 0
    o.inputs = list(inputs)
    o.outputs = list(outputs)
    if opts_type is not None:
        o.builtinOptionsType = opts_type
        o.builtinOptions = opts
    sub.operators = [o]
    sub.inputs = [i for i in inputs if tensors[i].const is None]
    sub.outputs = list(outputs)
    model.subgraphs = [sub]
    b = flatbuffers.Builder(1024)
    b.Finish(model.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def random_input(rng, t):
    if t.dtype == "float32":
        return rng.uniform(-4.0, 4.0, size=t.shape).astype(np.float32)
    info = np.iinfo(TYPES[t.dtype][1])
    x = rng.integers(info.min, info.max + 1, size=t.shape, dtype=np.int64)
    flat = x.reshape(-1)
    if flat.size >= 2:
        flat[:2] = [info.min, info.max]   # the range ends always occur
    return x.astype(TYPES[t.dtype][1])


def run(model_bytes, feeds):
    interp = Interpreter(model_content=model_bytes, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    interp.allocate_tensors()
    for d, x in zip(interp.get_input_details(), feeds):
        interp.set_tensor(d["index"], x)
    interp.invoke()
    return interp.get_tensor(interp.get_output_details()[0]["index"])


def tensor_line(role, t, data):
    data = np.asarray(data).reshape(-1)
    if t.dtype == "float32":
        vals = " ".join(f32_bits(v) for v in data)
    else:
        vals = " ".join(str(int(v)) for v in data)
    scale = f32_bits(t.scale) if t.scale is not None else "0"
    return "tensor %s %s %s %s %d %s" % (role, t.dtype, ",".join(str(d) for d in t.shape), scale, t.zp, vals)


def case(out, name, op, opts_type, opts, ins, result, opt_text="", consts=()):
    """ins: the operand tensors in operator order (a constant has .const set); result: the output."""
    tensors = list(ins) + [result]
    model = build(op, opts_type, opts, tensors, list(range(len(ins))), [len(ins)])
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    feeds = [random_input(rng, t) for t in ins if t.const is None]
    got = run(model, feeds)
    lines = ["case %s %s" % (name, op_name(op))]
    if opt_text:
        lines.append("opt " + opt_text)
    fi = 0
    for i, t in enumerate(ins):
        if t.const is not None:
            continue
        lines.append(tensor_line("in%d" % (fi + 1), t, feeds[fi]))
        fi += 1
    lines.append(tensor_line("out", result, got))
    lines.append("end")
    out.append("\n".join(lines))


def op_name(op):
    for k, v in fb.BuiltinOperator.__dict__.items():
        if v == op and not k.startswith("_"):
            return k
    raise ValueError(op)


ACT = {"NONE": fb.ActivationFunctionType.NONE, "RELU": fb.ActivationFunctionType.RELU,
       "RELU6": fb.ActivationFunctionType.RELU6}


def pool_cases(out):
    specs = [
        # name, dtype, shape, filter, stride, padding, activation, scale, zp
        ("avg_s8_3x3_s2_same", "int8", [1, 7, 9, 4], 3, 2, "SAME", "NONE", 0.05, -3),
        ("avg_s8_2x2_s2_valid_b2", "int8", [2, 6, 6, 3], 2, 2, "VALID", "NONE", 0.1, 127),
        ("avg_s8_3x3_s1_same_relu6", "int8", [1, 5, 6, 2], 3, 1, "SAME", "RELU6", 0.03125, -128),
        ("avg_s16_3x3_s2_same", "int16", [1, 7, 8, 3], 3, 2, "SAME", "NONE", 0.001, 0),
        ("avg_f32_3x3_s2_same", "float32", [1, 7, 9, 4], 3, 2, "SAME", "NONE", None, 0),
        ("avg_f32_2x2_s1_same_relu", "float32", [1, 5, 5, 2], 2, 1, "SAME", "RELU", None, 0),
    ]
    for name, dt, shape, k, s, pad, act, scale, zp in specs:
        for kind, op in (("avg", fb.BuiltinOperator.AVERAGE_POOL_2D), ("max", fb.BuiltinOperator.MAX_POOL_2D)):
            o = fb.Pool2DOptionsT()
            o.padding = fb.Padding.SAME if pad == "SAME" else fb.Padding.VALID
            o.strideW = o.strideH = s
            o.filterWidth = o.filterHeight = k
            o.fusedActivationFunction = ACT[act]
            if pad == "SAME":
                oh, ow = -(-shape[1] // s), -(-shape[2] // s)
            else:
                oh, ow = (shape[1] - k) // s + 1, (shape[2] - k) // s + 1
            i = T(dt, shape, scale, zp)
            r = T(dt, [shape[0], oh, ow, shape[3]], scale, zp)
            case(out, name.replace("avg", kind), op, fb.BuiltinOptions.Pool2DOptions, o, [i], r,
                 "filter=%d stride=%d padding=%s activation=%s" % (k, s, pad, act))


def binary_cases(out):
    specs = [
        # name, op, dtype, shape1, shape2, (s1, z1), (s2, z2), (so, zo)
        ("add_s8_bcast", fb.BuiltinOperator.ADD, "int8", [1, 4, 5, 3], [1, 1, 5, 3], (0.02, -5), (0.05, 10), (0.07, -2)),
        ("add_s8_same_scales", fb.BuiltinOperator.ADD, "int8", [2, 3, 4], [2, 3, 4], (0.5, 0), (0.5, 0), (1.0, -128)),
        ("add_s8_scalar", fb.BuiltinOperator.ADD, "int8", [3, 7], [1], (0.011, 127), (0.003, -128), (0.0123, 3)),
        ("add_s16", fb.BuiltinOperator.ADD, "int16", [1, 6, 10], [1, 6, 10], (0.0004, 0), (0.0007, 0), (0.0009, 0)),
        ("add_s16_bcast", fb.BuiltinOperator.ADD, "int16", [4, 1, 5], [1, 3, 5], (1.0 / 4096, 0), (1.0 / 8192, 0), (1.0 / 2048, 0)),
        ("sub_s8_bcast", fb.BuiltinOperator.SUB, "int8", [1, 4, 5, 3], [1, 4, 1, 3], (0.02, -5), (0.05, 10), (0.07, -2)),
        ("sub_s16", fb.BuiltinOperator.SUB, "int16", [2, 40], [2, 40], (0.0004, 0), (0.0007, 0), (0.0009, 0)),
        ("mul_s8_bcast", fb.BuiltinOperator.MUL, "int8", [1, 4, 5, 3], [1, 1, 1, 3], (0.02, -5), (0.05, 10), (0.07, -2)),
        ("mul_s8_ties", fb.BuiltinOperator.MUL, "int8", [64], [64], (0.5, 0), (0.5, 0), (0.5, 0)),
        ("mul_s16", fb.BuiltinOperator.MUL, "int16", [3, 30], [3, 30], (0.001, 0), (0.002, 0), (0.03, 0)),
        # large outputs over many elements: the last bits of the multiplier (float vs double
        # arithmetic in Prepare, see org.microcodegen.quant.Reference) decide some roundings
        # real multiplier 0.25 = 2^30 * 2^-32: the two roundings differ on products = 1, 2 (mod 4)
        ("mul_s8_quarter", fb.BuiltinOperator.MUL, "int8", [256], [256], (0.5, 0), (0.5, 0), (1.0, 0)),
        ("mul_s16_wide", fb.BuiltinOperator.MUL, "int16", [4096], [4096], (0.00071, 0), (0.00093, 0), (0.0132, 0)),
    ]
    for name, op, dt, sh1, sh2, q1, q2, qo in specs:
        if op == fb.BuiltinOperator.ADD:
            o, ot = fb.AddOptionsT(), fb.BuiltinOptions.AddOptions
        elif op == fb.BuiltinOperator.SUB:
            o, ot = fb.SubOptionsT(), fb.BuiltinOptions.SubOptions
        else:
            o, ot = fb.MulOptionsT(), fb.BuiltinOptions.MulOptions
        o.fusedActivationFunction = ACT["NONE"]
        if hasattr(o, "potScaleInt16"):
            o.potScaleInt16 = False       # the general int16 path (scales need not be powers of two)
        oshape = list(np.broadcast_shapes(tuple(sh1), tuple(sh2)))
        case(out, name, op, ot, o, [T(dt, sh1, *q1), T(dt, sh2, *q2)], T(dt, oshape, *qo), "activation=NONE")


def unary_cases(out):
    Q = fb.BuiltinOperator
    specs = [
        # name, op, options type, options, in tensor, out tensor, opt text
        ("quantize_f32_s8", Q.QUANTIZE, None, None, T("float32", [64]), T("int8", [64], 0.03, -7), ""),
        ("quantize_f32_s16", Q.QUANTIZE, None, None, T("float32", [64]), T("int16", [64], 0.0002, 0), ""),
        ("requantize_s8_s8", Q.QUANTIZE, None, None, T("int8", [64], 0.03, -7), T("int8", [64], 0.047, 12), ""),
        ("requantize_s8_s16", Q.QUANTIZE, None, None, T("int8", [64], 0.03, -7), T("int16", [64], 0.0005, 0), ""),
        ("requantize_s16_s8", Q.QUANTIZE, None, None, T("int16", [64], 0.0005, 0), T("int8", [64], 0.03, -7), ""),
        ("requantize_s16_s16", Q.QUANTIZE, None, None, T("int16", [64], 0.0005, 0), T("int16", [64], 0.00031, 0), ""),
        ("requantize_s16_s32", Q.QUANTIZE, None, None, T("int16", [64], 0.0005, 0), T("int32", [64], 0.0000125, 0), ""),
        ("dequantize_s8_f32", Q.DEQUANTIZE, None, None, T("int8", [64], 0.03, -7), T("float32", [64]), ""),
        ("dequantize_s16_f32", Q.DEQUANTIZE, None, None, T("int16", [64], 0.0005, 0), T("float32", [64]), ""),
        ("relu_s8", Q.RELU, None, None, T("int8", [64], 0.03, -7), T("int8", [64], 0.02, -128), ""),
        ("relu6_s8", Q.RELU6, None, None, T("int8", [64], 0.05, 3), T("int8", [64], 0.03, -128), ""),
        ("relu_n1_to_1_s8", Q.RELU_N1_TO_1, None, None, T("int8", [64], 0.01, 0), T("int8", [64], 0.008, 0), ""),
        ("relu_s16", Q.RELU, None, None, T("int16", [64], 0.0005, 0), T("int16", [64], 0.0004, 0), ""),
        ("relu6_s16", Q.RELU6, None, None, T("int16", [64], 0.0005, 0), T("int16", [64], 0.0003, 0), ""),
        ("relu_s8_quarter", Q.RELU, None, None, T("int8", [256], 0.25, 0), T("int8", [256], 1.0, 0), ""),
        ("requantize_s8_s8_quarter", Q.QUANTIZE, None, None, T("int8", [256], 0.25, 3), T("int8", [256], 1.0, -3), ""),
        ("requantize_s16_s16_quarter", Q.QUANTIZE, None, None, T("int16", [256], 0.25, 0), T("int16", [256], 1.0, 0), ""),
        ("relu_s16_wide", Q.RELU, None, None, T("int16", [4096], 0.00047, 0), T("int16", [4096], 0.00052, 0), ""),
    ]
    for name, op, ot, o, i, r, text in specs:
        case(out, name, op, ot, o, [i], r, text)
    for name, dt, qi, qo, alpha in (("leaky_relu_s8", "int8", (0.03, -7), (0.02, 5), 0.2),
                                     ("leaky_relu_s8_same_scale", "int8", (0.05, 0), (0.05, 0), 0.1),
                                     ("leaky_relu_s16", "int16", (0.0005, 0), (0.0004, 0), 0.3),
                                     ("leaky_relu_s16_wide", "int16", (0.00047, 0), (0.00041, 0), 0.37)):
        o = fb.LeakyReluOptionsT()
        o.alpha = alpha
        n = 4096 if name.endswith("wide") else 96
        case(out, name, Q.LEAKY_RELU, fb.BuiltinOptions.LeakyReluOptions, o, [T(dt, [n], *qi)],
             T(dt, [n], *qo), "alpha=" + f32_bits(alpha))


def shape_cases(out):
    Q = fb.BuiltinOperator
    for name, dt, q in (("pad_s8", "int8", (0.03, -7)), ("pad_s16", "int16", (0.0005, 0))):
        pads = [[0, 0], [1, 2], [2, 0], [0, 1]]
        i = T(dt, [1, 3, 4, 2], *q)
        p = T("int32", [4, 2], const=pads)
        r = T(dt, [1, 6, 6, 3], *q)
        case(out, name, Q.PAD, fb.BuiltinOptions.PadOptions, fb.PadOptionsT(), [i, p], r,
             "pads=" + ",".join(str(v) for row in pads for v in row))
    for name, dt, q, value in (("padv2_s8", "int8", (0.03, -7), 42), ("padv2_s16", "int16", (0.0005, 0), -1234)):
        pads = [[1, 0], [0, 2], [1, 1]]
        i = T(dt, [2, 3, 2], *q)
        p = T("int32", [3, 2], const=pads)
        v = T(dt, [1], *q, const=[value])
        r = T(dt, [3, 5, 4], *q)
        case(out, name, Q.PADV2, fb.BuiltinOptions.PadV2Options, fb.PadV2OptionsT(), [i, p, v], r,
             "pads=" + ",".join(str(v) for row in pads for v in row) + " value=%d" % value)
    for name, dt, shape, qi, qo in (("mean_s8", "int8", [2, 5, 7, 3], (0.03, -7), (0.02, 4)),
                                    ("mean_s8_same_quant", "int8", [1, 4, 4, 5], (0.03, -7), (0.03, -7)),
                                    ("mean_s16", "int16", [1, 6, 5, 4], (0.0005, 0), (0.0004, 0)),
                                    ("mean_s8_quarter", "int8", [2, 1, 3, 64], (0.25, 0), (1.0, 0))):
        o = fb.ReducerOptionsT()
        o.keepDims = True
        axes = T("int32", [2], const=[1, 2])
        case(out, name, Q.MEAN, fb.BuiltinOptions.ReducerOptions, o, [T(dt, shape, *qi), axes],
             T(dt, [shape[0], 1, 1, shape[3]], *qo), "axes=1,2 keep_dims=1")


def nonlinear_cases(out):
    Q = fb.BuiltinOperator
    # HARD_SWISH int8: a left-shifting reluish exponent (the tflite-ops fixture's scales, and a large
    # input scale), a right-shifting one (a small input scale), output exponents from -1 to -6
    for name, qi, qo in (("hard_swish_s8", (0.03910147, -1), (0.02104262, -110)),
                         ("hard_swish_s8_small_scale", (0.001, 5), (0.0005, -3)),
                         ("hard_swish_s8_large_scale", (0.5, 0), (0.3, -100)),
                         ("hard_swish_s8_zp_ends", (0.05, 127), (0.02, -128))):
        case(out, name, Q.HARD_SWISH, None, None, [T("int8", [512], *qi)], T("int8", [512], *qo))
    # LOGISTIC / TANH int16 (output 2^-15): power-of-two input scales (within CheckedLog2's 1e-3), the
    # near-power-of-two scale of the tflite-ops fixture, and scales that take the multiplier path
    for op, name, scale in ((Q.LOGISTIC, "logistic_s16_pot", 2.0 ** -12),
                            (Q.LOGISTIC, "logistic_s16_near_pot", 0.00024409633),
                            (Q.LOGISTIC, "logistic_s16_2e-11", 2.0 ** -11),
                            (Q.LOGISTIC, "logistic_s16", 0.0005),
                            (Q.TANH, "tanh_s16_pot", 2.0 ** -12),
                            (Q.TANH, "tanh_s16_pot_shift1", 2.0 ** -11),
                            (Q.TANH, "tanh_s16_2e-13", 2.0 ** -13),
                            (Q.TANH, "tanh_s16", 0.0005)):
        case(out, name, op, None, None, [T("int16", [1024], scale, 0)], T("int16", [1024], 1.0 / 32768.0, 0))


def main():
    out = []
    pool_cases(out)
    binary_cases(out)
    unary_cases(out)
    shape_cases(out)
    nonlinear_cases(out)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("# Written by tools/litert_elementwise_vectors.py with ai-edge-litert (BUILTIN_REF); do not edit.\n")
        f.write("\n".join(out) + "\n")
    print("wrote %d cases to %s" % (len(out), os.path.relpath(OUT, ROOT)))


if __name__ == "__main__":
    sys.exit(main())
