package org.microcodegen.runtime;

/**
 * Element-wise unary functions over n floats (mc_activation.c). Each reads in[i] before it writes
 * out[i], so the output may be the input (in place). exp and tanh are computed in double and rounded
 * to float: Java has no float versions, and the result is the correctly rounded value that a good
 * libm's expf/tanhf also returns in nearly all cases.
 */
public final class Activation {
    private Activation() {
    }

    public static void relu(float[] in, int inOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = Act.apply(in[inOff + i], Act.RELU);
        }
    }

    public static void relu6(float[] in, int inOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = Act.apply(in[inOff + i], Act.RELU6);
        }
    }

    public static void sigmoid(float[] in, int inOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = 1.0f / (1.0f + (float) Math.exp(-in[inOff + i]));
        }
    }

    public static void tanh(float[] in, int inOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = (float) Math.tanh(in[inOff + i]);
        }
    }

    /** x * relu6(x + 3) / 6 */
    public static void hswish(float[] in, int inOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; ++i) {
            float x = in[inOff + i];
            out[outOff + i] = x * Act.apply(x + 3.0f, Act.RELU6) / 6.0f;
        }
    }

    /** relu6(x + 3) / 6 */
    public static void hsigmoid(float[] in, int inOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = Act.apply(in[inOff + i] + 3.0f, Act.RELU6) / 6.0f;
        }
    }

    /** x >= 0 ? x : alpha * x */
    public static void leakyRelu(float[] in, int inOff, float[] out, int outOff, int n, float alpha) {
        for (int i = 0; i < n; ++i) {
            float x = in[inOff + i];
            out[outOff + i] = x >= 0.0f ? x : alpha * x;
        }
    }

    public static void abs(float[] in, int inOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = Math.abs(in[inOff + i]);
        }
    }
}
