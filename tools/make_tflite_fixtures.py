#!/usr/bin/env python3
"""Our own single-op TFLite fixtures, converted by TensorFlow, referenced by LiteRT's reference kernels.

Usage (needs TensorFlow only to regenerate; the tests read the committed files):

    python3 -m venv /tmp/tfvenv && /tmp/tfvenv/bin/pip install tensorflow ai-edge-litert numpy
    /tmp/tfvenv/bin/python tools/make_tflite_fixtures.py      # made with tensorflow 2.21.0, ai-edge-litert 2.3.0

It covers the ops of issue 10 that the models in ../shared/models/tflite do not (tools/tflite_references.py
handles those). Each case is a tiny tf.function with seeded weights, converted three ways where TFLite
can: float32; int8 full-integer quantization (int8 interface); 16x8 (int16 activations, int8 weights,
EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8, int16 interface). Calibration uses a seeded
representative dataset. It writes, relative to the repository root:

    tests/fixtures/tflite-ops/<case>_<variant>/model.tflite
    tests/fixtures/tflite-ops/<case>_<variant>/manifest.json     same format as tests/fixtures/tflite/
    tests/fixtures/tflite-ops/<case>_<variant>/sample<k>/input_<i>.bin, output_<i>.bin
    tests/fixtures/tflite-ops/README.md                           which fixture covers which op

Every converted model is checked to contain the intended builtin (converters rewrite ops: SQUEEZE always
comes out as RESHAPE, see `rewrite_reshape_as_squeeze`), with the intended fused activation / options.
Outputs come from LiteRT's BUILTIN_REF interpreter on the written model file, never from our code.

Determinism: weights, calibration data and sample inputs come from numpy default_rng seeded with crc32
of the case name; the converter's output is byte-identical across runs (checked by converting twice).
"""

import json
import os
import shutil
import sys
import zlib

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import flatbuffers  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tflite_references import (REPO, ModelReference, builtin_ops, random_input, schema,  # noqa: E402
                               reference_interpreter)

OUT = os.path.join(REPO, "tests", "fixtures", "tflite-ops")
N_SAMPLES = 2
N_CALIBRATION = 32
VARIANTS = ("float32", "int8", "int16x8")


def rng_for(name, purpose):
    return np.random.default_rng(zlib.crc32(("%s/%s" % (name, purpose)).encode()))


class Case:
    """One single-op graph: fn(*inputs) with weights drawn from `weights(rng)`; `op` must appear in it."""

    def __init__(self, name, op, shapes, fn, low=-4.0, high=4.0, options=None, variants=VARIANTS,
                 float_io_quantized=False, rewrite=None, note="", ranges=None):
        self.name, self.op, self.shapes, self.fn = name, op, shapes, fn
        self.low, self.high = low, high
        # Per input (low, high) of the float samples and of the calibration data.
        self.ranges = ranges or [(low, high)] * len(shapes)
        self.options = options or {}          # expected option values on the `op` operator
        self.variants = variants
        self.float_io_quantized = float_io_quantized  # quantized model with a float interface
        self.rewrite = rewrite
        self.note = note
        self.covers = [op] + (["DEQUANTIZE"] if float_io_quantized else [])


def weights(name, shape, scale=0.5):
    return tf.constant(rng_for(name, "weights").normal(0.0, scale, shape).astype(np.float32))


def bias(name, n):
    return tf.constant(rng_for(name, "bias").uniform(-0.5, 0.5, n).astype(np.float32))


def conv_relu6(x):
    y = tf.nn.conv2d(x, weights("conv_relu6", [3, 3, 3, 4]), strides=1, padding="SAME")
    return tf.nn.relu6(y + bias("conv_relu6", 4))


def fc_relu(x):
    return tf.nn.relu(tf.matmul(x, weights("fc_relu", [16, 8])) + bias("fc_relu", 8))


def depthwise(name, channels, multiplier, strides, dilation, padding):
    def fn(x):
        w = weights(name, [3, 3, channels, multiplier])
        y = tf.nn.depthwise_conv2d(x, w, strides=[1, strides, strides, 1], padding=padding,
                                   dilations=[dilation, dilation])
        return y + bias(name, channels * multiplier)
    return fn


def transpose_conv(x):
    w = weights("transpose_conv", [3, 3, 4, 3])      # [h, w, out, in]
    y = tf.nn.conv2d_transpose(x, w, output_shape=[1, 8, 8, 4], strides=2, padding="SAME")
    return y + bias("transpose_conv", 4)


def hard_swish(x):
    return x * tf.nn.relu6(x + 3.0) / 6.0


def squeeze(x):
    return tf.squeeze(x, [1])


CASES = [
    Case("transpose_conv", "TRANSPOSE_CONV", [[1, 4, 4, 3]], transpose_conv),
    Case("average_pool_2d", "AVERAGE_POOL_2D", [[1, 7, 7, 3]], lambda x: tf.nn.avg_pool2d(x, 3, 2, "SAME"),
         options={"Padding": "SAME"},
         note="SAME padding: the border windows average fewer elements; the shared models have no 16x8 pooling"),
    Case("softmax", "SOFTMAX", [[1, 10]], tf.nn.softmax, -6.0, 6.0, note="the shared models have no 16x8 SOFTMAX"),
    Case("reshape", "RESHAPE", [[1, 4, 4, 3]], lambda x: tf.reshape(x, [1, 48]), note="for the 16x8 variant"),
    Case("max_pool_2d", "MAX_POOL_2D", [[1, 7, 7, 3]], lambda x: tf.nn.max_pool2d(x, 3, 2, "SAME")),
    Case("sub", "SUB", [[1, 4, 4, 3], [1, 4, 4, 3]], lambda a, b: a - b),
    Case("sub_broadcast", "SUB", [[1, 4, 4, 3], [1, 1, 1, 3]], lambda a, b: a - b),
    Case("mul", "MUL", [[1, 4, 4, 3], [1, 4, 4, 3]], lambda a, b: a * b),
    Case("mul_broadcast", "MUL", [[1, 4, 4, 3], [1, 1, 1, 3]], lambda a, b: a * b),
    Case("mean", "MEAN", [[1, 4, 4, 8]], lambda x: tf.reduce_mean(x, axis=[1, 2], keepdims=True)),
    Case("logistic", "LOGISTIC", [[1, 4, 4, 8]], tf.sigmoid, -8.0, 8.0),
    Case("tanh", "TANH", [[1, 4, 4, 8]], tf.tanh, -4.0, 4.0),
    Case("relu", "RELU", [[1, 4, 4, 3]], tf.nn.relu),
    Case("relu6", "RELU6", [[1, 4, 4, 3]], tf.nn.relu6, -2.0, 8.0),
    Case("leaky_relu", "LEAKY_RELU", [[1, 4, 4, 3]], lambda x: tf.nn.leaky_relu(x, alpha=0.2)),
    Case("hard_swish", "HARD_SWISH", [[1, 4, 4, 3]], hard_swish, -5.0, 5.0,
         variants=("float32", "int8"), note="16x8: the converter refuses HARD_SWISH"),
    Case("pad", "PAD", [[1, 4, 4, 3]], lambda x: tf.pad(x, [[0, 0], [1, 2], [2, 1], [0, 0]])),
    Case("padv2", "PADV2", [[1, 4, 4, 3]], lambda x: tf.pad(x, [[0, 0], [1, 2], [2, 1], [0, 0]], constant_values=0.5),
         variants=("float32", "int8"),
         note="16x8: the converter keeps a float32 constant_values, which LiteRT then refuses (INT16 != FLOAT32)"),
    Case("squeeze", "SQUEEZE", [[1, 1, 4, 3]], squeeze, rewrite="squeeze",
         note="the converter always emits RESHAPE; the script rewrites that operator to SQUEEZE(squeeze_dims=[1])"),
    Case("transpose", "TRANSPOSE", [[1, 2, 3, 4]], lambda x: tf.transpose(x, [0, 3, 1, 2])),
    Case("concatenation", "CONCATENATION", [[1, 4, 4, 3], [1, 4, 4, 5]], lambda a, b: tf.concat([a, b], 3),
         ranges=[(-4.0, 4.0), (-8.0, 8.0)],
         note="inputs calibrated on [-4, 4) and [-8, 8): quantized inputs and output have different scales"),
    Case("strided_slice", "STRIDED_SLICE", [[1, 8, 6, 3]], lambda x: x[:, 1:7:2, ::-2, :]),
    Case("quantize_dequantize", "QUANTIZE", [[1, 4, 4, 3]], tf.nn.relu, variants=("int8", "int16x8"),
         float_io_quantized=True, low=-6.0, high=6.0,
         note="quantized model with a float32 interface: QUANTIZE in, RELU, DEQUANTIZE out; samples reach "
              "past the calibrated range [-4, 4) to exercise saturation"),
    Case("conv_relu6", "CONV_2D", [[1, 6, 6, 3]], conv_relu6,
         options={"FusedActivationFunction": "RELU6", "Padding": "SAME"}),
    Case("fc_relu", "FULLY_CONNECTED", [[1, 16]], fc_relu, options={"FusedActivationFunction": "RELU"}),
    Case("depthwise_mult2_dil2_same", "DEPTHWISE_CONV_2D", [[1, 9, 9, 3]],
         depthwise("depthwise_mult2_dil2_same", 3, 2, 1, 2, "SAME"),
         options={"DepthMultiplier": 2, "DilationHFactor": 2, "DilationWFactor": 2, "Padding": "SAME"}),
    Case("depthwise_mult2_valid", "DEPTHWISE_CONV_2D", [[1, 7, 7, 2]],
         depthwise("depthwise_mult2_valid", 2, 2, 1, 1, "VALID"),
         options={"DepthMultiplier": 2, "Padding": "VALID"}),
    Case("depthwise_stride2_same", "DEPTHWISE_CONV_2D", [[1, 9, 9, 4]],
         depthwise("depthwise_stride2_same", 4, 1, 2, 1, "SAME"),
         options={"StrideH": 2, "StrideW": 2, "Padding": "SAME"}),
    Case("depthwise_stride2_valid", "DEPTHWISE_CONV_2D", [[1, 9, 9, 4]],
         depthwise("depthwise_stride2_valid", 4, 1, 2, 1, "VALID"),
         options={"StrideH": 2, "StrideW": 2, "Padding": "VALID"}),
    Case("depthwise_3ch_same", "DEPTHWISE_CONV_2D", [[1, 7, 7, 3]],
         depthwise("depthwise_3ch_same", 3, 1, 1, 1, "SAME"), options={"Padding": "SAME"}, variants=("int8",),
         note="3 channels, not blocks of four: outside the DSP 3x3 depthwise kernel's precondition, so the general "
              "DSP depthwise kernel's case"),
]


# ---------------------------------------------------------------- conversion

def convert(case, variant):
    specs = [tf.TensorSpec(s, tf.float32) for s in case.shapes]
    fn = tf.function(case.fn, input_signature=specs, autograph=False)
    converter = tf.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()], fn)
    if variant != "float32":
        calibration = rng_for(case.name, "calibration")
        ranges = [(-4.0, 4.0)] * len(case.shapes) if case.float_io_quantized else case.ranges

        def representative():
            for _ in range(N_CALIBRATION):
                yield [calibration.uniform(lo, hi, s).astype(np.float32) for s, (lo, hi) in zip(case.shapes, ranges)]

        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative
        if variant == "int8":
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            io_type = tf.int8
        else:
            converter.target_spec.supported_ops = [
                tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
            io_type = tf.int16
        if not case.float_io_quantized:
            converter.inference_input_type = io_type
            converter.inference_output_type = io_type
    model = converter.convert()
    return rewrite_reshape_as_squeeze(model, case.shapes[0]) if case.rewrite == "squeeze" else model


def rewrite_reshape_as_squeeze(model_bytes, input_shape):
    """TensorFlow's converter turns every static SQUEEZE into RESHAPE; put the SQUEEZE back.

    The single RESHAPE operator becomes SQUEEZE with squeeze_dims = the size-1 axes it removes, and loses
    its second (shape) input; the tensors, buffers and quantization are the converter's.
    """
    model = schema.ModelT.InitFromPackedBuf(bytearray(model_bytes), 0)
    sub = model.subgraphs[0]
    (reshape,) = [op for op in sub.operators
                  if model.operatorCodes[op.opcodeIndex].builtinCode == schema.BuiltinOperator.RESHAPE]
    code = schema.OperatorCodeT()
    code.builtinCode = schema.BuiltinOperator.SQUEEZE
    code.deprecatedBuiltinCode = schema.BuiltinOperator.SQUEEZE
    code.version = 1
    model.operatorCodes[reshape.opcodeIndex] = code
    out_shape = list(sub.tensors[reshape.outputs[0]].shape)
    dims = [i for i, d in enumerate(input_shape) if d == 1 and len(input_shape) - 1 == len(out_shape)
            and list(input_shape[:i]) + list(input_shape[i + 1:]) == out_shape]
    options = schema.SqueezeOptionsT()
    options.squeezeDims = dims[:1]
    reshape.inputs = list(reshape.inputs[:1])
    reshape.builtinOptionsType = schema.BuiltinOptions.SqueezeOptions
    reshape.builtinOptions = options
    builder = flatbuffers.Builder(len(model_bytes))
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


# ---------------------------------------------------------------- checks

_OPTION_NAMES = {v: k for k, v in vars(schema.BuiltinOptions).items() if not k.startswith("_")}
_ENUMS = {"FusedActivationFunction": schema.ActivationFunctionType, "Padding": schema.Padding}


def operators(model_bytes):
    """Subgraph 0's operators in order: builtin name and scalar options (enums by name)."""
    model = schema.Model.GetRootAs(model_bytes, 0)
    sub = model.Subgraphs(0)
    result = []
    for i in range(sub.OperatorsLength()):
        op = sub.Operators(i)
        code = model.OperatorCodes(op.OpcodeIndex())
        code = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
        name = next(k for k, v in vars(schema.BuiltinOperator).items() if v == code)
        options = {}
        table = op.BuiltinOptions()
        type_name = _OPTION_NAMES.get(op.BuiltinOptionsType())
        if table is not None and type_name and type_name != "NONE":
            cls = getattr(schema, type_name)
            obj = cls()
            obj.Init(table.Bytes, table.Pos)
            for attr in sorted(dir(cls)):
                if attr[0].isupper() and not attr.startswith(("Init", "GetRootAs", type_name)) \
                        and not attr.endswith(("AsNumpy", "Length", "IsNone")):
                    try:
                        value = getattr(obj, attr)()
                    except TypeError:
                        value = [getattr(obj, attr)(j) for j in range(getattr(obj, attr + "Length")())]
                    enum = _ENUMS.get(attr)
                    if enum is not None:
                        value = next(k for k, v in vars(enum).items() if v == value)
                    if isinstance(value, (int, float, str, list)):
                        options[attr] = value
        result.append({"op": name, "options": options})
    return result


def check(case, variant, model_bytes):
    ops = builtin_ops(model_bytes)
    if case.op not in ops:
        raise SystemExit("%s_%s: the converter produced %s, not %s" % (case.name, variant, ops, case.op))
    listed = operators(model_bytes)
    target = [o for o in listed if o["op"] == case.op]
    for key, want in case.options.items():
        got = target[0]["options"].get(key)
        if got != want:
            raise SystemExit("%s_%s: %s option %s is %r, wanted %r" % (case.name, variant, case.op, key, got, want))
    return listed


# ---------------------------------------------------------------- writing

def build(case, variant):
    name = "%s_%s" % (case.name, variant)
    model_bytes = convert(case, variant)
    if convert(case, variant) != model_bytes:
        raise SystemExit("%s: the converter's output differs between two runs" % name)
    listed = check(case, variant, model_bytes)
    folder = os.path.join(OUT, name)
    ref = ModelReference(name, "model.tflite", out_root=OUT, model_bytes=model_bytes)
    with open(os.path.join(folder, "model.tflite"), "wb") as f:
        f.write(model_bytes)
    ref.manifest["model_base"] = "fixture_dir"
    ref.manifest["covers"] = case.covers
    ref.manifest["variant"] = variant
    ref.manifest["tensorflow_version"] = tf.__version__
    ref.manifest["operators"] = listed
    if case.note:
        ref.manifest["note"] = case.note
    rng = rng_for(case.name, "samples/" + variant)
    for s in range(N_SAMPLES):
        source = "numpy default_rng(crc32(%r)), draw %d, %s" % (
            "%s/samples/%s" % (case.name, variant), s,
            "full integer range" if variant != "float32" and not case.float_io_quantized
            else "uniform in " + ", ".join("[%r, %r)" % r for r in case.ranges))
        ref.add("sample%d" % s, source, [random_input(rng, e, lo, hi) for e, (lo, hi) in zip(ref.inputs, case.ranges)])
    ref.write()
    return name, listed


README_HEAD = """# Own single-op TFLite fixtures

Written by `tools/make_tflite_fixtures.py` (regenerate: see its header; needs TensorFlow, the tests do not).
Each folder holds `model.tflite` (ours, converted by TensorFlow's TFLiteConverter from a seeded
tf.function), `manifest.json` (format: ../tflite/README.md; here `model_base` is `fixture_dir`, plus
`covers`, `variant`, `tensorflow_version`, `operators` with their options) and `sample<k>/input_<i>.bin`,
`output_<i>.bin` (raw little-endian; outputs from LiteRT's BUILTIN_REF reference kernels).
Variants: float32; int8 (full-integer quantization, int8 interface); int16x8 (int16 activations, int8
weights, int16 interface). Ops of issue 10 already covered by ../shared models (CONV_2D, DEPTHWISE_CONV_2D,
FULLY_CONNECTED, AVERAGE_POOL_2D, ADD, SOFTMAX, RESHAPE; SUB, PAD, LEAKY_RELU, STRIDED_SLICE, TRANSPOSE_CONV,
QUANTIZE in int16) get fixtures here only for the variants or options those models lack.

| fixture | covers (checked options) | variants | operators (in order) | note |
|---|---|---|---|---|
"""


def main():
    only = set(sys.argv[1:])
    if not only:
        shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT, exist_ok=True)
    rows = []
    for case in CASES:
        built = []
        for variant in case.variants:
            if only and case.name not in only:
                continue
            name, listed = build(case, variant)
            built.append((variant, listed))
            print(name, " ".join(o["op"] for o in listed))
        if built:
            options = " ".join("%s=%s" % kv for kv in sorted(case.options.items()))
            rows.append("| %s | %s | %s | %s | %s |\n" % (
                case.name, " ".join(case.covers) + (" (" + options + ")" if options else ""),
                " ".join(v for v, _ in built), " ".join(o["op"] for o in built[-1][1]), case.note))
    if not only:
        with open(os.path.join(OUT, "README.md"), "w") as f:
            f.write(README_HEAD)
            f.writelines(rows)
            f.write(coverage())
    return 0


ISSUE_OPS = """CONV_2D DEPTHWISE_CONV_2D FULLY_CONNECTED TRANSPOSE_CONV AVERAGE_POOL_2D MAX_POOL_2D ADD SUB MUL MEAN
SOFTMAX LOGISTIC TANH RELU RELU6 LEAKY_RELU HARD_SWISH PAD PADV2 RESHAPE SQUEEZE TRANSPOSE CONCATENATION
STRIDED_SLICE QUANTIZE DEQUANTIZE""".split()


def coverage():
    """Issue 10's op list against the ops in every manifest (shared models and ours), by dtype of the data."""
    seen = {}
    for base in (os.path.join(REPO, "tests", "fixtures", "tflite"), OUT):
        for name in sorted(os.listdir(base)):
            path = os.path.join(base, name, "manifest.json")
            if os.path.isfile(path):
                with open(path) as f:
                    m = json.load(f)
                dtype = next(t["dtype"] for t in m["inputs"] if t["dtype"] != "int32")
                kind = m.get("variant") or {"int16": "int16x8"}.get(dtype, dtype)   # the shared int16 models are 16x8
                for op in m["ops"]:
                    seen.setdefault(op, set()).add(kind)
    lines = ["\n## Coverage of issue 10's ops (here and in ../tflite)\n\n"]
    for op in ISSUE_OPS:
        lines.append("- %s: %s\n" % (op, " ".join(sorted(seen[op])) if op in seen else "MISSING"))
    return "".join(lines)


if __name__ == "__main__":
    sys.exit(main())
