package org.microcodegen.lower;

/**
 * What a node becomes in generated code: a kernel call, or a view (Reshape and friends: the output
 * is the input's memory under another shape, so no code at all).
 */
public record Lowering(KernelCall call) {
    private static final Lowering VIEW = new Lowering(null);

    public static Lowering view() {
        return VIEW;
    }

    public static Lowering of(KernelCall call) {
        return new Lowering(call);
    }

    public boolean isView() {
        return call == null;
    }
}
