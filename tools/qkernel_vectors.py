#!/usr/bin/env python3
"""Reference vectors for the NHWC conv-family kernels (CONV_2D, DEPTHWISE_CONV_2D,
FULLY_CONNECTED, TRANSPOSE_CONV; int8, int16x8, float32) computed by LiteRT's reference kernels.

Usage (the only part of the kernel tests that needs TensorFlow and LiteRT; the tests do not):

    pip install ai-edge-litert numpy tensorflow-cpu    # made with ai-edge-litert 2.3.0, tensorflow 2.21
    python3 tools/qkernel_vectors.py                   # rewrites the vector file below

For each case it builds a one-op TensorFlow function with seeded weights, converts it with
TensorFlow's converter (float, full int8, or 16x8 with a seeded representative dataset), runs the
.tflite with LiteRT's Interpreter(experimental_op_resolver_type=BUILTIN_REF) on a seeded input and
writes what a kernel call needs: geometry, zero points, float scales (as bits), the weights, bias,
input and LiteRT's output, all read back from the converted model and the interpreter.
The multipliers and activation ranges are derived here as TFLite does it (QuantizeMultiplier,
PopulateConvolutionQuantizationParams, GetQuantizedConvolutionMultipler,
CalculateActivationRangeQuantized), so the C test can use them directly and the Java test can check
that org.microcodegen.quant derives the same. LiteRT's BUILTIN_REF kernels use single rounding.

Output: runtime-micro/src/test/resources/qkernel_vectors.txt, read by c/test/test_qconv.c and
runtime-micro's QConvVectorsTest. Format, one record per line, whitespace separated:
    case <name> <kind>              kind = conv|dw|fc|tconv + _s8|_s16|_f32
    <key> <count> <values...>       integers (floats as their IEEE-754 bits)
    end
"""
import math
import os
import struct
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402
from ai_edge_litert.interpreter import Interpreter, OpResolverType  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "runtime-micro", "src", "test", "resources", "qkernel_vectors.txt")

OPS = {"conv": "CONV_2D", "dw": "DEPTHWISE_CONV_2D", "fc": "FULLY_CONNECTED",
       "tconv": "TRANSPOSE_CONV"}


def f32_bits(x):
    return struct.unpack("<I", struct.pack("<f", float(x)))[0]


def quantize_multiplier(real):
    """TFLite's QuantizeMultiplier, TFLITE_SINGLE_ROUNDING build (LiteRT)."""
    if real == 0.0:
        return 0, 0
    q, shift = math.frexp(real)
    q_fixed = int(math.floor(abs(q) * 2.0 ** 31 + 0.5)) * (1 if q > 0 else -1)
    if q_fixed == 2 ** 31:
        q_fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        return 2 ** 31 - 1, 30
    return q_fixed, shift


def tflite_round_f32(x):
    x = np.float32(x)
    return float(np.sign(x) * np.floor(np.abs(x) + np.float32(0.5))) if abs(x) < 2 ** 23 else float(x)


def activation_range(act, scale, zp, dtype):
    qmin, qmax = (-128, 127) if dtype == np.int8 else (-32768, 32767)
    quant = lambda f: zp + int(tflite_round_f32(np.float32(f) / np.float32(scale)))
    if act == "relu":
        return max(qmin, quant(0.0)), qmax
    if act == "relu6":
        return max(qmin, quant(0.0)), min(qmax, quant(6.0))
    return qmin, qmax


def out_size(padding, size, k, stride, dilation=1):
    eff = (k - 1) * dilation + 1
    return (size + stride - 1) // stride if padding == "SAME" else (size - eff + stride) // stride


def padding_amount(padding, size, k, stride, dilation, out):
    """ComputePaddingHeightWidth's padding before (top/left)."""
    if padding == "VALID":
        return 0
    eff = (k - 1) * dilation + 1
    return max(0, (out - 1) * stride + eff - size) // 2


def build(case, rng):
    """A tf.function computing the case's op in float, its input shape and weights."""
    kind = case["kind"]
    act = {"none": tf.identity, "relu": tf.nn.relu, "relu6": tf.nn.relu6}[case.get("act", "none")]
    b, h, w, c = case["in"]
    if kind == "fc":
        wt = rng.uniform(-1, 1, (c, case["out_c"])).astype(np.float32)
        bias = rng.uniform(-0.5, 0.5, case["out_c"]).astype(np.float32)
        shape = [b, c]
        fn = lambda x: act(tf.matmul(x, wt) + bias)
    elif kind == "conv":
        kh, kw = case["k"]
        wt = rng.uniform(-1, 1, (kh, kw, c, case["out_c"])).astype(np.float32)
        bias = rng.uniform(-0.5, 0.5, case["out_c"]).astype(np.float32)
        shape = [b, h, w, c]
        fn = lambda x: act(tf.nn.conv2d(x, wt, case["stride"], case["pad"],
                                        dilations=case.get("dil", 1)) + bias)
    elif kind == "dw":
        kh, kw = case["k"]
        m = case["mult"]
        wt = rng.uniform(-1, 1, (kh, kw, c, m)).astype(np.float32)
        bias = rng.uniform(-0.5, 0.5, c * m).astype(np.float32)
        shape = [b, h, w, c]
        s = case["stride"]
        d = case.get("dil", 1)
        fn = lambda x: act(tf.nn.depthwise_conv2d(x, wt, [1, s, s, 1], case["pad"],
                                                  dilations=[d, d]) + bias)
    else:  # tconv
        kh, kw = case["k"]
        s = case["stride"]
        oh, ow = case["out_hw"]
        wt = rng.uniform(-1, 1, (kh, kw, case["out_c"], c)).astype(np.float32)
        bias = rng.uniform(-0.5, 0.5, case["out_c"]).astype(np.float32)
        shape = [b, h, w, c]
        fn = lambda x: act(tf.nn.conv2d_transpose(x, wt, [b, oh, ow, case["out_c"]], s,
                                                  case["pad"]) + bias)
    return tf.function(fn, input_signature=[tf.TensorSpec(shape, tf.float32)]), shape


def convert(fn, shape, dtype, rng, per_tensor=False):
    conv = tf.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()], fn)
    # one weight scale for a FULLY_CONNECTED (the converter's default is one per output)
    conv._experimental_disable_per_channel_quantization_for_dense_layers = per_tensor
    if dtype != "f32":
        samples = [rng.uniform(-1, 1, shape).astype(np.float32) for _ in range(20)]
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = lambda: ([s] for s in samples)
        if dtype == "s8":
            conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            conv.inference_input_type = tf.int8
            conv.inference_output_type = tf.int8
        else:
            conv.target_spec.supported_ops = [
                tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
            conv.inference_input_type = tf.int16
            conv.inference_output_type = tf.int16
    return conv.convert()


def run_case(name, case, dtype):
    rng = np.random.default_rng(abs(hash_name(name)))
    fn, shape = build(case, rng)
    model = convert(fn, shape, dtype, rng, case.get("per_tensor", False))
    interp = Interpreter(model_content=model,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    interp.allocate_tensors()
    ops = interp._get_ops_details()
    want = OPS[case["kind"]]
    names = [o["op_name"] for o in ops]
    if names != [want]:
        raise SystemExit(f"{name}: the converter made {names}, not a single {want}")
    op = ops[0]
    details = {t["index"]: t for t in interp.get_tensor_details()}
    if case["kind"] == "tconv":
        _, w_idx, x_idx = op["inputs"][:3]
        b_idx = op["inputs"][3] if len(op["inputs"]) > 3 else -1
    else:
        x_idx, w_idx = op["inputs"][:2]
        b_idx = op["inputs"][2] if len(op["inputs"]) > 2 else -1
    y_idx = op["outputs"][0]
    xin, yout = details[x_idx], details[y_idx]
    inp = interp.get_input_details()[0]
    if dtype == "f32":
        x = rng.uniform(-1, 1, inp["shape"]).astype(np.float32)
    else:
        info = np.iinfo(inp["dtype"])
        x = rng.integers(info.min, info.max + 1, inp["shape"]).astype(inp["dtype"])
    interp.set_tensor(inp["index"], x)
    interp.invoke()
    y = interp.get_tensor(interp.get_output_details()[0]["index"])
    weights = interp.get_tensor(w_idx)
    bias = interp.get_tensor(b_idx) if b_idx >= 0 else None

    rec = {"input": x.flatten(), "weights": weights.flatten(), "output": y.flatten()}
    if bias is not None:
        rec["bias"] = bias.flatten()
    geom = geometry(case, xin["shape"], weights.shape, yout["shape"])
    rec["geom"] = geom
    if dtype == "f32":
        lo, hi = {"none": (-math.inf, math.inf), "relu": (0.0, math.inf),
                  "relu6": (0.0, 6.0)}[case.get("act", "none")]
        rec["act_f32"] = [f32_bits(lo), f32_bits(hi)]
        for k in ("input", "weights", "output", "bias"):
            if k in rec:
                rec[k] = [f32_bits(v) for v in rec[k]]
        return rec
    xq, yq = xin["quantization_parameters"], yout["quantization_parameters"]
    wq = details[w_idx]["quantization_parameters"]
    in_scale, out_scale = np.float32(xq["scales"][0]), np.float32(yq["scales"][0])
    w_scales = [np.float32(s) for s in wq["scales"]]
    out_c = geom[2] if case["kind"] == "fc" else geom[6]
    per_channel = len(w_scales) > 1
    if case["kind"] == "fc" and not per_channel:
        # GetQuantizedConvolutionMultipler: the input * weight product in float
        pairs = [quantize_multiplier(float(np.float32(in_scale * w_scales[0])) / float(out_scale))]
    else:
        pairs = [quantize_multiplier(float(in_scale) * float(w_scales[c if per_channel else 0])
                                     / float(out_scale)) for c in range(out_c)]
    rec["in_zp"] = [int(xq["zero_points"][0])]
    rec["out_zp"] = [int(yq["zero_points"][0])]
    rec["act"] = list(activation_range(case.get("act", "none"), out_scale,
                                       int(yq["zero_points"][0]), inp["dtype"]))
    rec["act_kind"] = [{"none": 0, "relu": 1, "relu6": 2}[case.get("act", "none")]]
    rec["scales"] = [f32_bits(in_scale), f32_bits(out_scale)]
    rec["w_scales"] = [f32_bits(s) for s in w_scales]
    rec["per_channel"] = [1 if per_channel else 0]
    rec["mult"] = [m for m, _ in pairs]
    rec["shift"] = [s for _, s in pairs]
    if any(int(z) != 0 for z in wq["zero_points"]):
        raise SystemExit(f"{name}: weights are not symmetric")
    return rec


def geometry(case, in_shape, w_shape, out_shape):
    """batch in_h in_w in_c out_h out_w out_c k_h k_w stride_h stride_w dil_h dil_w pad_top
    pad_left depth_multiplier (fc: batches in_depth out_depth)."""
    if case["kind"] == "fc":
        return [int(in_shape[0]), int(in_shape[1]), int(out_shape[1])]
    b, h, w, c = (int(v) for v in in_shape)
    _, oh, ow, oc = (int(v) for v in out_shape)
    kh, kw = case["k"]
    s = case["stride"]
    d = case.get("dil", 1)
    if case["kind"] == "tconv":
        # TFLite pads a transpose conv as the conv from its output to its input
        pt = padding_amount(case["pad"], oh, kh, s, 1, out_size(case["pad"], oh, kh, s))
        pl = padding_amount(case["pad"], ow, kw, s, 1, out_size(case["pad"], ow, kw, s))
    else:
        pt = padding_amount(case["pad"], h, kh, s, d, oh)
        pl = padding_amount(case["pad"], w, kw, s, d, ow)
    mult = oc // c if case["kind"] == "dw" else 1
    return [b, h, w, c, oh, ow, oc, kh, kw, s, s, d, d, pt, pl, mult]


def hash_name(name):
    import zlib
    return zlib.crc32(name.encode())


CASES = {
    # CONV_2D: SAME padding with stride 2 (asymmetric padding), VALID, dilation, relu6, batch 2
    "conv_same_s2": dict(kind="conv", **{"in": [1, 7, 6, 3]}, out_c=4, k=(3, 3), stride=2, pad="SAME"),
    "conv_valid_relu": dict(kind="conv", **{"in": [2, 5, 5, 2]}, out_c=3, k=(2, 3), stride=1,
                            pad="VALID", act="relu"),
    "conv_dilated_relu6": dict(kind="conv", **{"in": [1, 8, 8, 4]}, out_c=5, k=(3, 3), stride=1,
                               dil=2, pad="SAME", act="relu6"),
    "conv_1x1": dict(kind="conv", **{"in": [1, 4, 4, 8]}, out_c=6, k=(1, 1), stride=1, pad="VALID"),
    # DEPTHWISE_CONV_2D: multiplier 1 and 2, stride 2, dilation
    "dw_same_s2": dict(kind="dw", **{"in": [1, 7, 7, 4]}, mult=1, k=(3, 3), stride=2, pad="SAME"),
    "dw_mult2_relu": dict(kind="dw", **{"in": [1, 5, 6, 3]}, mult=2, k=(3, 3), stride=1, pad="SAME",
                          act="relu"),
    "dw_dilated": dict(kind="dw", **{"in": [1, 9, 9, 2]}, mult=1, k=(3, 3), stride=1, dil=2,
                       pad="VALID"),
    # FULLY_CONNECTED
    "fc": dict(kind="fc", **{"in": [1, 1, 1, 20]}, out_c=7),
    "fc_batch_relu": dict(kind="fc", **{"in": [3, 1, 1, 16]}, out_c=5, act="relu"),
    "fc_wide": dict(kind="fc", **{"in": [4, 1, 1, 64]}, out_c=32),
    "fc_wide_per_tensor": dict(kind="fc", **{"in": [4, 1, 1, 64]}, out_c=32, per_tensor=True),
    "fc_per_tensor_relu6": dict(kind="fc", **{"in": [2, 1, 1, 24]}, out_c=6, act="relu6",
                                per_tensor=True),
    # TRANSPOSE_CONV: stride 2 SAME and VALID
    "tconv_same_s2": dict(kind="tconv", **{"in": [1, 3, 4, 3]}, out_c=2, k=(3, 3), stride=2,
                          pad="SAME", out_hw=(6, 8)),
    "tconv_valid_s2": dict(kind="tconv", **{"in": [1, 3, 3, 2]}, out_c=3, k=(3, 3), stride=2,
                           pad="VALID", out_hw=(7, 7)),
}


def main():
    lines = ["# Generated by tools/qkernel_vectors.py from LiteRT's reference kernels "
             "(BUILTIN_REF, single rounding); do not edit."]
    failures = []
    for name, case in CASES.items():
        for dtype in ("s8", "s16", "f32"):
            full = f"{name}_{dtype}"
            try:
                rec = run_case(full, case, dtype)
            except SystemExit as e:
                failures.append(str(e))
                continue
            except Exception as e:  # a converter or interpreter limitation: reported, not fatal
                failures.append(f"{full}: {type(e).__name__}: {str(e).splitlines()[0][:200]}")
                continue
            lines.append(f"case {full} {case['kind']}_{dtype}")
            for key, values in rec.items():
                vals = [int(v) for v in values]
                lines.append(f"{key} {len(vals)} " + " ".join(str(v) for v in vals))
            lines.append("end")
            print(f"{full}: {len(rec['output'])} outputs", file=sys.stderr)
    for f in failures:
        print("skipped " + f, file=sys.stderr)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
