package org.microcodegen.lower;

import org.microcodegen.ir.ConstData;
import org.microcodegen.ops.OpContext;
import org.microcodegen.ops.ParamsStruct;

/**
 * How a kernel wants one of its constant operands laid out in memory: a compile-time transform of the
 * layer's constants (weights reordered into the order an inner loop reads them, pre-sign-extended or
 * interleaved; a bias with a per-channel constant folded in). A registry entry declares it
 * ({@link Kernel#packing}); once the registry has chosen that kernel for a node, the lowerer calls
 * {@link #pack} and passes the result in place of the operand ({@link org.microcodegen.ops.Arg.Packed}),
 * and the emitters write it as a constant array like any weight (flash in C). A packing must be a pure,
 * deterministic function of the layer's constants and parameters, and the entry's predicate must hold
 * only where it applies (its operands constant): the packed array is all the kernel sees.
 */
public interface Packing {
    /** What the layout is, in words (the comment above the emitted array). */
    String layout();

    /** The operand's packed contents, from the node's operands ({@code ctx}) and its kernel parameters. */
    ConstData pack(OpContext ctx, ParamsStruct params);

    /** A packing with this layout description, computed by {@code pack}. */
    static Packing of(String layout, java.util.function.BiFunction<OpContext, ParamsStruct, ConstData> pack) {
        return new Packing() {
            @Override
            public String layout() {
                return layout;
            }

            @Override
            public ConstData pack(OpContext ctx, ParamsStruct params) {
                return pack.apply(ctx, params);
            }

            @Override
            public String toString() {
                return layout;
            }
        };
    }
}
