package org.microcodegen.quant;

import java.util.function.DoubleUnaryOperator;

/**
 * The lookup tables TFLite builds at Prepare time for its quantized nonlinearities, computed here
 * by the compiler with TFLite's exact arithmetic (tensorflow/lite/kernels/internal/common.h) and
 * emitted as const tables:
 * <ul>
 * <li>{@link #int8}: LUTPopulate&lt;int8_t&gt; for LiteRT's int8 LOGISTIC and TANH, in float,
 * indexed by {@code (uint8_t) x};</li>
 * <li>{@link #softmaxExp} / {@link #softmaxOneOverOnePlusX}: the two 513-entry int16 SOFTMAX tables
 * (LUTPopulate&lt;int16_t&gt;), in double as LiteRT builds them or in float as TFLite Micro does.</li>
 * </ul>
 * The float transforms widen to double, apply Java's function and round to float: that is libm's
 * correctly rounded single-precision result except in rare halfway cases, which the committed
 * LiteRT vectors check for the scales they cover.
 */
public final class ActivationLut {
    private ActivationLut() {
    }

    /** Which TFLite function an int8 table holds. */
    public enum Function {
        LOGISTIC, TANH;

        float apply(float x) {
            if (this == TANH) {
                return (float) Math.tanh(x);
            }
            float e = (float) Math.exp(-x);
            return 1.0f / (1.0f + e);
        }
    }

    /** LUTPopulateInt8: 256 entries, entry {@code (uint8_t) v} holds f(v). */
    public static byte[] int8(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint,
                              Function f) {
        byte[] lut = new byte[256];
        float inverseScale = 1.0f / outputScale;
        for (int v = -128; v <= 127; ++v) {
            float dequantized = inputScale * (float) (v - inputZeroPoint);
            float transformed = f.apply(dequantized);
            float rescaled = (float) QuantizedMultiplier.roundHalfAwayFromZero(transformed * inverseScale);
            int quantized = (int) (rescaled + (float) outputZeroPoint);
            lut[v & 0xFF] = (byte) Math.max(-128, Math.min(127, quantized));
        }
        return lut;
    }

    private static final int RANGE = 65535;

    /** exp on [-10, 0] for int16 SOFTMAX. */
    public static short[] softmaxExp(boolean doublePrecision) {
        return doublePrecision
                ? int16Double(10.0 / RANGE, 32767, 2.0 / RANGE, 0, Math::exp)
                : int16Float(10.0f / RANGE, 32767, 2.0f / RANGE, 0, x -> (float) Math.exp(x));
    }

    /** 1 / (1 + x) on [0, 1] for int16 SOFTMAX. */
    public static short[] softmaxOneOverOnePlusX(boolean doublePrecision) {
        return doublePrecision
                ? int16Double(1.0 / RANGE, -32768, 2.0 / RANGE, 0, x -> 1.0 / (1.0 + x))
                : int16Float(1.0f / RANGE, -32768, 2.0f / RANGE, 0, x -> 1.0f / (1.0f + (float) x));
    }

    private static double round(double x) {
        return QuantizedMultiplier.roundHalfAwayFromZero(x);
    }

    /** LUTPopulateInt16&lt;double&gt;. */
    static short[] int16Double(double inputScale, int inputZeroPoint, double outputScale, int outputZeroPoint,
                               DoubleUnaryOperator f) {
        double inputMin = inputScale * (-32768 - inputZeroPoint);
        double inputMax = inputScale * (32767 - inputZeroPoint);
        double outputMin = outputScale * (-32768 - outputZeroPoint);
        double outputMax = outputScale * (32767 - outputZeroPoint);
        double step = (inputMax - inputMin) / 512;
        double halfStep = step / 2;
        double inv = 65536.0 / (outputMax - outputMin);
        short[] lut = new short[513];
        for (int i = 0; i < 512; i++) {
            double val = f.applyAsDouble(inputMin + i * step);
            double valMidpoint = f.applyAsDouble(inputMin + i * step + halfStep);
            double valNext = f.applyAsDouble(inputMin + (i + 1) * step);
            double sample = round(val * inv);
            double midpointInterp = round((valNext * inv + round(val * inv)) / 2);
            double midpoint = round(valMidpoint * inv);
            double bias = round((midpointInterp - midpoint) / 2);
            lut[i] = (short) Math.min(Math.max(sample - bias, -32768.0), 32767.0);
        }
        lut[512] = (short) Math.min(Math.max(round(f.applyAsDouble(inputMax) * inv), -32768.0), 32767.0);
        return lut;
    }

    /** A float function of a float, for the single-precision tables. */
    interface FloatFunction {
        float apply(float x);
    }

    /** LUTPopulateInt16&lt;float&gt;: every operation rounded to float as C++ does. */
    static short[] int16Float(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint,
                              FloatFunction f) {
        float inputMin = inputScale * (float) (-32768 - inputZeroPoint);
        float inputMax = inputScale * (float) (32767 - inputZeroPoint);
        float outputMin = outputScale * (float) (-32768 - outputZeroPoint);
        float outputMax = outputScale * (float) (32767 - outputZeroPoint);
        float step = (inputMax - inputMin) / 512;
        float halfStep = step / 2;
        float inv = 65536.0f / (outputMax - outputMin);
        short[] lut = new short[513];
        for (int i = 0; i < 512; i++) {
            float val = f.apply(inputMin + i * step);
            float valMidpoint = f.apply(inputMin + i * step + halfStep);
            float valNext = f.apply(inputMin + (i + 1) * step);
            float sample = (float) round(val * inv);
            float midpointInterp = (float) round((valNext * inv + (float) round(val * inv)) / 2);
            float midpoint = (float) round(valMidpoint * inv);
            float bias = (float) round((midpointInterp - midpoint) / 2);
            lut[i] = (short) Math.min(Math.max(sample - bias, -32768.0f), 32767.0f);
        }
        lut[512] = (short) Math.min(Math.max((float) round(f.apply(inputMax) * inv), -32768.0f), 32767.0f);
        return lut;
    }
}
