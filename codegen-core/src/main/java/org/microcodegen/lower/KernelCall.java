package org.microcodegen.lower;

import org.microcodegen.ops.Arg;
import org.microcodegen.ops.ParamsStruct;

import java.util.List;

/**
 * A call into the runtime, in target-neutral form: the kernel the registry chose, the arguments it
 * takes and its parameter values. The emitters turn tensor arguments into buffer names and render
 * the syntax.
 *
 * @param params the op's parameter values (what the layer computes: every field its op has), or null
 * @param struct the parameter object the kernel takes: {@code params} narrowed to the kernel's own struct
 *               ({@link Kernel#narrowing}), or {@code params} itself; what the emitters write
 */
public record KernelCall(Kernel kernel, List<Arg> args, ParamsStruct params, ParamsStruct struct) {
    public KernelCall {
        args = List.copyOf(args);
    }

    /** A call of {@code kernel} with the op's values {@code params}, narrowed when the kernel takes a struct of its own. */
    public static KernelCall of(Kernel kernel, List<Arg> args, ParamsStruct params) {
        return new KernelCall(kernel, args, params, params == null || kernel.narrowing() == null ? params : kernel.narrowing().narrow(params));
    }
}
