#!/usr/bin/env python3
"""Reference vectors for the quantized nonlinear kernels (SOFTMAX, LOGISTIC, TANH), from LiteRT.

Builds tiny single-op models with TensorFlow's converter (int8, and int16x8 for softmax), runs
them with LiteRT's reference kernels (OpResolverType.BUILTIN_REF) and writes
runtime-micro/c/test/vectors/nonlinear.txt, read by both the C tests (c/test/test_qnonlinear.c)
and the Java tests. Each case records the tensors' quantization as the model has it, the kernel
parameters TFLite derives at Prepare time -- recomputed here from TFLite's formulas with the C
math library TFLite calls (libm's expf/tanhf for the float LUTs, exp for the double ones) -- the
inputs and LiteRT's outputs.

Usage: python3 tools/nonlinear_vectors.py   (pip install ai-edge-litert tensorflow numpy)
"""
import ctypes
import math
import os
import sys
import tempfile

import numpy as np

LIBM = ctypes.CDLL("libm.so.6")
LIBM.expf.restype = ctypes.c_float
LIBM.expf.argtypes = [ctypes.c_float]
LIBM.tanhf.restype = ctypes.c_float
LIBM.tanhf.argtypes = [ctypes.c_float]
LIBM.exp.restype = ctypes.c_double
LIBM.exp.argtypes = [ctypes.c_double]

F = np.float32
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime-micro", "c", "test",
                   "vectors", "nonlinear.txt")


def tflite_round(x):
    """std::round: half away from zero (x is exact, so this is exact)."""
    t = math.trunc(x)
    return t + math.copysign(1.0, x) if abs(x - t) >= 0.5 else t


def quantize_multiplier(real):
    """TFLite's QuantizeMultiplier."""
    if real == 0.0:
        return 0, 0
    q, shift = math.frexp(real)
    q_fixed = int(tflite_round(q * (1 << 31)))
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return q_fixed, shift


def softmax_s8_params(beta, input_scale, single_rounding):
    """PreprocessSoftmaxScaling(beta, input_scale, 5) and -CalculateInputRadius(5, shift)."""
    max_real = float((1 << 30) - 1) if single_rounding else float((1 << 31) - 1)
    real = min(float(beta) * float(input_scale) * (1 << (31 - 5)), max_real)
    mult, shift = quantize_multiplier(real)
    radius = math.floor(1.0 * ((1 << 5) - 1) * (1 << (31 - 5)) / (1 << shift))
    return mult, shift, -int(radius)


def lut_int8(input_scale, input_zp, output_scale, output_zp, fn):
    """LUTPopulateInt8 in float, indexed by (uint8_t)(int8_t)value."""
    lut = [0] * 256
    inverse_scale = F(1) / F(output_scale)
    for val in range(-128, 128):
        dequantized = F(input_scale) * F(val - input_zp)
        transformed = F(fn(dequantized))
        rescaled = F(tflite_round(float(F(transformed * inverse_scale))))
        quantized = int(F(rescaled + F(output_zp)))
        lut[val & 0xFF] = max(-128, min(127, quantized))
    return lut


def logistic_f32(v):
    return F(F(1.0) / F(F(1.0) + F(LIBM.expf(float(F(-v))))))


def tanh_f32(v):
    return F(LIBM.tanhf(float(v)))


def lut_int16(input_scale, input_zp, output_scale, output_zp, fn, T):
    """LUTPopulateInt16<T> (T = np.float64 for LiteRT's softmax tables, np.float32 for TFLM's)."""
    input_min = T(input_scale) * T(-32768 - input_zp)
    input_max = T(input_scale) * T(32767 - input_zp)
    output_min = T(output_scale) * T(-32768 - output_zp)
    output_max = T(output_scale) * T(32767 - output_zp)
    step = (input_max - input_min) / T(512)
    half_step = step / T(2)
    inv = T(65536) / (output_max - output_min)
    rnd = lambda x: T(tflite_round(float(x)))
    clamp = lambda x: int(min(max(x, T(-32768)), T(32767)))
    lut = []
    for i in range(512):
        val = fn(input_min + T(i) * step)
        val_mid = fn(input_min + T(i) * step + half_step)
        val_next = fn(input_min + T(i + 1) * step)
        sample = rnd(val * inv)
        mid_interp = rnd((val_next * inv + rnd(val * inv)) / T(2))
        mid_val = rnd(val_mid * inv)
        bias = rnd((mid_interp - mid_val) / T(2))
        lut.append(clamp(sample - bias))
    lut.append(clamp(rnd(fn(input_max) * inv)))
    return lut


def softmax_s16_luts(T):
    rng = 65535
    if T is np.float64:
        exp_fn = lambda v: T(LIBM.exp(float(v)))
        one_fn = lambda v: T(1.0) / (T(1.0) + v)
        return (lut_int16(T(10.0) / T(rng), 32767, T(2.0) / T(rng), 0, exp_fn, T),
                lut_int16(T(1.0) / T(rng), -32768, T(2.0) / T(rng), 0, one_fn, T))
    exp_fn = lambda v: F(LIBM.expf(float(v)))
    one_fn = lambda v: F(1.0) / (F(1.0) + v)
    return (lut_int16(F(10.0) / F(rng), 32767, F(2.0) / F(rng), 0, exp_fn, F),
            lut_int16(F(1.0) / F(rng), -32768, F(2.0) / F(rng), 0, one_fn, F))


def convert(build, rep_lo, rep_hi, shape, int16):
    import tensorflow as tf
    fn = tf.function(lambda t: build(t),
                     input_signature=[tf.TensorSpec(shape, tf.float32)])
    conv = tf.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()], fn)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    rs = np.random.RandomState(7)

    def rep():
        for _ in range(64):
            yield [rs.uniform(rep_lo, rep_hi, size=shape).astype(np.float32)]
        yield [np.full(shape, rep_lo, np.float32)]
        yield [np.full(shape, rep_hi, np.float32)]
    conv.representative_dataset = rep
    if int16:
        conv.target_spec.supported_ops = [
            tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
        conv.inference_input_type = tf.int16
        conv.inference_output_type = tf.int16
    else:
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        conv.inference_input_type = tf.int8
        conv.inference_output_type = tf.int8
    return conv.convert()


def run_ref(model_bytes, x):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    path = tempfile.mktemp(suffix=".tflite")
    with open(path, "wb") as f:
        f.write(model_bytes)
    it = Interpreter(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    i, o = it.get_input_details()[0], it.get_output_details()[0]
    ops = [d["op_name"] for d in it._get_ops_details()]
    it.set_tensor(i["index"], x.reshape(i["shape"]).astype(i["dtype"]))
    it.invoke()
    y = it.get_tensor(o["index"]).reshape(-1)
    os.remove(path)
    return ops, i["quantization"], o["quantization"], y


def ints(xs):
    return " ".join(str(int(v)) for v in xs)


def main():
    import tensorflow as tf
    lines = ["# generated by tools/nonlinear_vectors.py from LiteRT BUILTIN_REF; do not edit"]
    # SOFTMAX int8 -> int8: every int8 value against a fixed maximum, in a few scales and betas.
    rs = np.random.RandomState(11)
    # (the converter always writes beta = 1: a scaled input becomes a MUL before the SOFTMAX)
    for (lo, hi) in [(-8.0, 8.0), (-30.0, 2.0), (-1.0, 1.0), (-4.0, 4.0), (-100.0, 60.0),
                     (-3.0, 3.0)]:
        depth = 16
        model = convert(lambda t: tf.nn.softmax(t, axis=-1), lo, hi, (1, depth), False)
        rows = [np.arange(-128, 128, dtype=np.int64)[k:k + depth] for k in range(0, 256, depth)]
        rows += [rs.randint(-128, 128, size=depth) for _ in range(16)]
        rows += [np.full(depth, 5), np.full(depth, -128), np.full(depth, 127)]
        for row in rows:
            ops, iq, oq, y = run_ref(model, np.array(row, np.int8))
            if ops != ["SOFTMAX"]:
                raise SystemExit("unexpected ops %s" % ops)
            m1, s1, d1 = softmax_s8_params(1.0, iq[0], True)
            m2, s2, d2 = softmax_s8_params(1.0, iq[0], False)
            lines.append("softmax_s8 %r %d %r %d 1.0 %d %d %d %d %d %d %d | %s | %s" % (
                float(iq[0]), iq[1], float(oq[0]), oq[1], m1, s1, d1, m2, s2, d2, depth,
                ints(row), ints(y)))
    # LOGISTIC / TANH int8: all 256 inputs, a few input ranges.
    for name, fn, lut_fn in [("logistic_s8", tf.math.sigmoid, logistic_f32),
                             ("tanh_s8", tf.math.tanh, tanh_f32)]:
        for (lo, hi) in [(-8.0, 8.0), (-3.0, 5.0), (-0.5, 0.5), (-20.0, 12.0)]:
            model = convert(lambda t: fn(t), lo, hi, (1, 256), False)
            x = np.arange(-128, 128, dtype=np.int64)
            ops, iq, oq, y = run_ref(model, x.astype(np.int8))
            lut = lut_int8(iq[0], iq[1], oq[0], oq[1], lut_fn)
            lines.append("%s %r %d %r %d | %s | %s | %s" % (
                name, float(iq[0]), iq[1], float(oq[0]), oq[1], ints(lut), ints(x), ints(y)))
    # SOFTMAX int16 -> int16: LiteRT's double tables (and TFLM's float ones, for the LUT test).
    exp_d, one_d = softmax_s16_luts(np.float64)
    exp_f, one_f = softmax_s16_luts(np.float32)
    lines.append("softmax_s16_luts_double | %s | %s" % (ints(exp_d), ints(one_d)))
    lines.append("softmax_s16_luts_float | %s | %s" % (ints(exp_f), ints(one_f)))
    for (lo, hi) in [(-8.0, 8.0), (-30.0, 30.0), (-1.0, 1.0)]:
        depth = 16
        model = convert(lambda t: tf.nn.softmax(t, axis=-1), lo, hi, (1, depth), True)
        for k in range(24):
            row = rs.randint(-32768, 32768, size=depth) if k % 2 == 0 else \
                rs.randint(-32768, 32768) + rs.randint(-3000, 3000, size=depth)
            row = np.clip(row, -32768, 32767)
            ops, iq, oq, y = run_ref(model, np.array(row, np.int16))
            m, s = quantize_multiplier(float(iq[0]) * 1.0 / (10.0 / 65535.0))
            lines.append("softmax_s16 %r %d %r %d 1.0 %d %d %d | %s | %s" % (
                float(iq[0]), iq[1], float(oq[0]), oq[1], m, s, depth, ints(row), ints(y)))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %d cases to %s" % (len(lines) - 1, os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
