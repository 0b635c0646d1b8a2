package org.microcodegen.lower;

import java.util.List;

/**
 * A runtime kernel as one target names it. For C: {@code module} is the runtime file pair
 * ("mc_conv2d" for mc_conv2d.h/.c), {@code function} the entry point and {@code paramsType} the
 * parameter struct. For Java: the runtime class, its static method and the class's nested
 * parameter type. Only the registry creates kernels; nobody derives one name from another.
 *
 * @param takes      the op's arguments (by name, see {@link org.microcodegen.ops.Invocation}) the kernel
 *                   takes, in order, or null for all of them
 * @param perInput   the kernel is called once per input tensor (Java's Concat.part) instead of once
 * @param packed     the constant operands the kernel reads in a layout of its own, each with the
 *                   compile-time transform that produces it (see {@link Packing})
 * @param narrowing  the kernel's own parameter struct, whose type is {@code paramsType}, in place of the op's
 *                   (only the fields it reads, in narrow types; see {@link ParamsLayout}), or null: the op's
 */
public record Kernel(String module, String function, String paramsType, List<String> takes, boolean perInput,
                     List<PackedOperand> packed, ParamsLayout narrowing) {
    public Kernel {
        takes = takes == null ? null : List.copyOf(takes);
        packed = List.copyOf(packed);
        if (narrowing != null && !narrowing.cType().equals(paramsType)) {
            throw new IllegalArgumentException(function + " takes " + paramsType + ", not its narrowing's " + narrowing.cType());
        }
    }

    /** Operand {@code arg} (an argument name of the op's invocation) is passed as {@code packing} lays it out. */
    public record PackedOperand(String arg, Packing packing) {
    }

    public static Kernel of(String module, String function) {
        return new Kernel(module, function, null, null, false, List.of(), null);
    }

    public static Kernel withParams(String module, String function, String paramsType) {
        return new Kernel(module, function, paramsType, null, false, List.of(), null);
    }

    /** This kernel taking only the named arguments, in this order. */
    public Kernel taking(String... names) {
        return new Kernel(module, function, paramsType, List.of(names), perInput, packed, narrowing);
    }

    /** This kernel called once per input tensor. */
    public Kernel calledPerInput() {
        return new Kernel(module, function, paramsType, takes, true, packed, narrowing);
    }

    /**
     * This kernel reading its constant operand {@code arg} ("weight", "bias") as {@code packing} lays it out:
     * the compiler transforms the operand once, at compile time, and passes the result in its place.
     */
    public Kernel packing(String arg, Packing packing) {
        List<PackedOperand> more = new java.util.ArrayList<>(packed);
        more.add(new PackedOperand(arg, packing));
        return new Kernel(module, function, paramsType, takes, perInput, more, narrowing);
    }

    /**
     * This kernel taking {@code layout}'s struct (its C type, its fields) in place of the op's parameter object:
     * the lowerer narrows the op's values into it ({@link KernelCall#struct}), and the registry chooses the kernel
     * only for values that fit ({@link #accepts}). Packings still see the op's values.
     */
    public Kernel narrowing(ParamsLayout layout) {
        return new Kernel(module, function, layout.cType(), takes, perInput, packed, layout);
    }

    /** Whether the kernel can take the op's parameter values {@code params}: every value fits its narrowed struct. */
    public boolean accepts(org.microcodegen.ops.ParamsStruct params) {
        return narrowing == null || narrowing.misfit(params).isEmpty();
    }
}
