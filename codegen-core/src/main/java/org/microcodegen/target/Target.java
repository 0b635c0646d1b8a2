package org.microcodegen.target;

import org.microcodegen.ir.CompileException;

import java.util.List;

/**
 * A code generation target: what the generated sources are built for. Both targets emit the same
 * portable C99 today; the target fixes the arena alignment and, later, kernels and project files.
 *
 * @param name      as typed on the command line
 * @param alignment arena and weight alignment in bytes (8 covers double-word loads on Cortex-M and hosts)
 */
public record Target(String name, int alignment, String description) {
    public static final Target HOST = new Target("host", 8, "the build machine's C compiler");
    public static final Target CORTEX_M4 = new Target("cortex-m4", 8, "Arm Cortex-M4F (arm-none-eabi-gcc)");
    /** Java source for any JVM (Java 8 or later): every tensor is a float[] slice, so float alignment is enough. */
    public static final Target JAVA = new Target("java", 4, "Java 8 source for a JVM (runtime-micro's Java kernels)");

    public static List<Target> all() {
        return List.of(HOST, CORTEX_M4, JAVA);
    }

    public static Target byName(String name) {
        for (Target t : all()) {
            if (t.name.equals(name)) {
                return t;
            }
        }
        throw new CompileException("unknown target '" + name + "' (choose from host, cortex-m4, java)");
    }
}
