package org.microcodegen.ops;

import java.util.List;

/**
 * A call into runtime-micro, in target-neutral form: the emitter turns tensor arguments into buffer
 * names and the templates render the syntax.
 *
 * @param module   the runtime file pair that defines the kernel, e.g. "mc_conv2d" (mc_conv2d.h/.c)
 * @param function the kernel, e.g. "mc_conv2d_general_f32"
 * @param args     arguments in order
 * @param params   a constant parameter struct the call points to, or null
 */
public record KernelCall(String module, String function, List<Arg> args, ParamsStruct params) {
    public KernelCall {
        args = List.copyOf(args);
    }
}
