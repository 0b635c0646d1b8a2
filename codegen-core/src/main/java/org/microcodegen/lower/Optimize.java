package org.microcodegen.lower;

import org.microcodegen.ir.CompileException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the registry optimises when several kernels compute the same results for a node (`--optimize`).
 * Every mode gives the same outputs: the kernels that apply to a node differ only in speed and code.
 */
public enum Optimize {
    /** The fastest kernel that applies: the first matching registry entry (specialised before reference). */
    SPEED,
    /** The reference kernel for every node (the last matching entry), so a model links the fewest kernels. */
    SIZE,
    /**
     * A specialised kernel only where it pays for its code: it must save at least
     * {@link KernelCosts#INSTRUCTIONS_PER_BYTE} instructions per inference for every byte it adds
     * over the reference kernel (see {@link KernelRegistry#select}).
     */
    BALANCED;

    /** As typed after {@code --optimize}. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optimize byName(String name) {
        for (Optimize o : values()) {
            if (o.optionName().equals(name)) {
                return o;
            }
        }
        throw new CompileException("unknown --optimize value '" + name + "' (choose from "
                + Arrays.stream(values()).map(Optimize::optionName).collect(Collectors.joining(", ")) + ")");
    }
}
