package org.microcodegen.lower;

import org.microcodegen.ops.Arg;
import org.microcodegen.ops.ParamsStruct;

import java.util.List;

/**
 * A call into the runtime, in target-neutral form: the kernel the registry chose, the arguments it
 * takes and its parameter values. The emitters turn tensor arguments into buffer names and render
 * the syntax.
 */
public record KernelCall(Kernel kernel, List<Arg> args, ParamsStruct params) {
    public KernelCall {
        args = List.copyOf(args);
    }
}
