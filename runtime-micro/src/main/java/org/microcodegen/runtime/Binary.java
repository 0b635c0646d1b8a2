package org.microcodegen.runtime;

/**
 * Element-wise binary operators with NumPy broadcasting (mc_binary.c). The compiler describes the
 * broadcast as the output's dims plus, per operand, a stride per output axis (0 where the operand
 * is broadcast). The outer axes are walked with an odometer that keeps both operand offsets up to
 * date; each innermost row is one tight loop. Each output is written after both its inputs are
 * read, so out may be an operand that is not broadcast.
 */
public final class Binary {
    private static final int ADD = 0;
    private static final int SUB = 1;
    private static final int MUL = 2;
    private static final int DIV = 3;
    private static final int MAXIMUM = 4;
    private static final int MINIMUM = 5;

    private Binary() {
    }

    /** mc_bcast. */
    public static final class Params {
        int rank;
        int[] outDims = new int[0];
        int[] aStrides = new int[0];
        int[] bStrides = new int[0];

        public Params rank(int v) { rank = v; return this; }
        public Params outDims(int... v) { outDims = v.clone(); return this; }
        public Params aStrides(int... v) { aStrides = v.clone(); return this; }
        public Params bStrides(int... v) { bStrides = v.clone(); return this; }
    }

    public static void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, Params p) {
        broadcast(ADD, a, aOff, b, bOff, out, outOff, p);
    }

    public static void sub(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, Params p) {
        broadcast(SUB, a, aOff, b, bOff, out, outOff, p);
    }

    public static void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, Params p) {
        broadcast(MUL, a, aOff, b, bOff, out, outOff, p);
    }

    public static void div(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, Params p) {
        broadcast(DIV, a, aOff, b, bOff, out, outOff, p);
    }

    public static void maximum(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, Params p) {
        broadcast(MAXIMUM, a, aOff, b, bOff, out, outOff, p);
    }

    public static void minimum(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, Params p) {
        broadcast(MINIMUM, a, aOff, b, bOff, out, outOff, p);
    }

    private static void broadcast(int op, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, Params p) {
        final int last = p.rank - 1;
        final int n = p.outDims[last];
        final int sa = p.aStrides[last];
        final int sb = p.bStrides[last];
        int rows = 1;
        for (int d = 0; d < last; ++d) {
            rows *= p.outDims[d];
        }
        // C walks the outer axes with an odometer (an index array on the stack). Here each row's outer
        // indices are recomputed from the row number instead: no scratch array is needed (the params
        // are shared by every instance of a model, so they cannot hold one), for a few divisions a row.
        for (int r = 0; r < rows; ++r) {
            int ao = aOff;
            int bo = bOff;
            int rem = r;
            for (int d = last - 1; d >= 0; --d) {
                final int idx = rem % p.outDims[d];
                rem /= p.outDims[d];
                ao += idx * p.aStrides[d];
                bo += idx * p.bStrides[d];
            }
            row(op, a, ao, sa, b, bo, sb, out, outOff + r * n, n);
        }
    }

    /** One innermost row: n outputs, the operands advancing by sa and sb per output. */
    private static void row(int op, float[] a, int ao, int sa, float[] b, int bo, int sb, float[] out, int oo, int n) {
        switch (op) {
            case ADD:
                for (int i = 0; i < n; ++i) {
                    out[oo + i] = a[ao + i * sa] + b[bo + i * sb];
                }
                break;
            case SUB:
                for (int i = 0; i < n; ++i) {
                    out[oo + i] = a[ao + i * sa] - b[bo + i * sb];
                }
                break;
            case MUL:
                for (int i = 0; i < n; ++i) {
                    out[oo + i] = a[ao + i * sa] * b[bo + i * sb];
                }
                break;
            case DIV:
                for (int i = 0; i < n; ++i) {
                    out[oo + i] = a[ao + i * sa] / b[bo + i * sb];
                }
                break;
            case MAXIMUM:
                for (int i = 0; i < n; ++i) {
                    final float x = a[ao + i * sa];
                    final float y = b[bo + i * sb];
                    out[oo + i] = x > y ? x : y;
                }
                break;
            default:
                for (int i = 0; i < n; ++i) {
                    final float x = a[ao + i * sa];
                    final float y = b[bo + i * sb];
                    out[oo + i] = x < y ? x : y;
                }
                break;
        }
    }
}
