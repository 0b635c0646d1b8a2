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
 */
public record Kernel(String module, String function, String paramsType, List<String> takes, boolean perInput) {
    public Kernel {
        takes = takes == null ? null : List.copyOf(takes);
    }

    public static Kernel of(String module, String function) {
        return new Kernel(module, function, null, null, false);
    }

    public static Kernel withParams(String module, String function, String paramsType) {
        return new Kernel(module, function, paramsType, null, false);
    }

    /** This kernel taking only the named arguments, in this order. */
    public Kernel taking(String... names) {
        return new Kernel(module, function, paramsType, List.of(names), perInput);
    }

    /** This kernel called once per input tensor. */
    public Kernel calledPerInput() {
        return new Kernel(module, function, paramsType, takes, true);
    }
}
