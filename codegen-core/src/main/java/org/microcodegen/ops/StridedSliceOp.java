package org.microcodegen.ops;

import org.microcodegen.ir.Attributes;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * StridedSlice with constant begin/end/strides and the begin, end and shrink-axis masks (Python
 * slicing semantics: negative indices count from the end, out-of-range bounds clamp). Ellipsis and
 * new-axis masks are refused with a clear error rather than guessed.
 */
final class StridedSliceOp implements Op {
    @Override
    public List<String> names() {
        return List.of("StridedSlice");
    }

    /** Per input axis: first index, step and length; shrink marks axes dropped from the output. */
    private record Slice(long[] begin, long[] stride, long[] length, boolean[] shrink) {
    }

    private static Slice slice(Node node, OpContext ctx) {
        ctx.requireInputs(4, 4);
        Shape in = ctx.shape(0);
        int rank = in.rank();
        long[] begin = ctx.constantLongs(1, "begin");
        long[] end = ctx.constantLongs(2, "end");
        long[] strides = ctx.constantLongs(3, "strides");
        Attributes a = node.attrs();
        if (a.getLong("ellipsis_mask", 0) != 0 || a.getLong("new_axis_mask", 0) != 0) {
            throw ctx.error("ellipsis_mask and new_axis_mask are not supported");
        }
        if (begin.length != end.length || begin.length != strides.length || begin.length > rank) {
            throw ctx.error("begin/end/strides lengths do not fit a rank-" + rank + " input");
        }
        if (rank > BinaryOp.MAX_RANK) {
            throw ctx.error("rank " + rank + " exceeds the supported " + BinaryOp.MAX_RANK);
        }
        long beginMask = a.getLong("begin_mask", 0);
        long endMask = a.getLong("end_mask", 0);
        long shrinkMask = a.getLong("shrink_axis_mask", 0);
        long[] b = new long[rank];
        long[] s = new long[rank];
        long[] len = new long[rank];
        boolean[] shrink = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            long dim = in.dim(i);
            if (i >= begin.length) {
                b[i] = 0;
                s[i] = 1;
                len[i] = dim;
                continue;
            }
            long st = strides[i];
            if (st == 0) {
                throw ctx.error("stride 0 on axis " + i);
            }
            if (Math.abs(st) > Shape.MAX_ELEMENTS || st == Long.MIN_VALUE) {
                // beyond any dimension; bounding it keeps the length arithmetic below from overflowing
                throw ctx.error("stride " + st + " on axis " + i + " is out of range");
            }
            if ((shrinkMask >> i & 1) != 0) {
                long idx = begin[i] < 0 ? begin[i] + dim : begin[i];
                if (idx < 0 || idx >= dim) {
                    throw ctx.error("index " + begin[i] + " out of range for axis " + i + " of size " + dim);
                }
                b[i] = idx;
                s[i] = 1;
                len[i] = 1;
                shrink[i] = true;
                continue;
            }
            long lo = st > 0 ? 0 : -1;
            long hi = st > 0 ? dim : dim - 1;
            long bi = (beginMask >> i & 1) != 0 ? (st > 0 ? 0 : dim - 1) : clamp(begin[i] < 0 ? begin[i] + dim : begin[i], lo, hi);
            long ei = (endMask >> i & 1) != 0 ? (st > 0 ? dim : -1) : clamp(end[i] < 0 ? end[i] + dim : end[i], lo, hi);
            long n = st > 0 ? Math.max(0, (ei - bi + st - 1) / st) : Math.max(0, (bi - ei + (-st) - 1) / (-st));
            if (n == 0) {
                throw ctx.error("the slice of axis " + i + " is empty");
            }
            b[i] = bi;
            s[i] = st;
            len[i] = n;
        }
        return new Slice(b, s, len, shrink);
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireFloat32(0);
        Slice sl = slice(node, ctx);
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < sl.length.length; i++) {
            if (!sl.shrink[i]) {
                out.add(sl.length[i]);
            }
        }
        return List.of(ctx.type(0).withShape(Shape.ofLongs(out.stream().mapToLong(Long::longValue).toArray())));
    }

    @Override
    public Lowering lower(Node node, OpContext ctx) {
        Shape in = ctx.shape(0);
        Slice sl = slice(node, ctx);
        List<Long> dims = new ArrayList<>();
        List<Long> outDims = new ArrayList<>();
        List<Long> begin = new ArrayList<>();
        List<Long> strides = new ArrayList<>();
        for (int i = 0; i < in.rank(); i++) {
            dims.add((long) in.dim(i));
            outDims.add(sl.length[i]);
            begin.add(sl.begin[i]);
            strides.add(sl.stride[i]);
        }
        ParamsStruct params = ParamsStruct.builder("mc_strided_slice_params")
                .set("rank", in.rank()).ints("in_dims", dims).ints("out_dims", outDims)
                .ints("begin", begin).ints("strides", strides).build();
        return Lowering.of(new KernelCall("mc_strided_slice", "mc_strided_slice_f32",
                List.of(Arg.tensor(node.input(0)), Arg.tensor(node.output()), new Arg.Params()), params));
    }
}
