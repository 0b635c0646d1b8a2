package org.microcodegen.lower;

import org.microcodegen.ir.Node;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.OpContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.OptionalDouble;
import java.util.Properties;

/**
 * Measured costs of the C kernels, for `--optimize balanced`: each entry point's code bytes (from the
 * object files of arm-none-eabi-gcc -O2 for the target, tools/kernel-costs) and its instructions per
 * unit of work (per MAC; per input element for pooling) measured under QEMU. The table is data committed
 * with the method, date and compiler version (kernel-costs.properties); it is read here rather than
 * measured at compile time so that a compile needs no toolchain and gives the same code everywhere.
 * The host target has no flash budget of its own and uses the Cortex-M4 figures, as does the library folder.
 */
public final class KernelCosts {
    /** Balanced mode's rule: a specialised kernel must save this many instructions per byte of code it adds. */
    public static final double INSTRUCTIONS_PER_BYTE = 10;

    private static final Properties TABLE = load();

    private final String prefix;

    private KernelCosts(String prefix) {
        this.prefix = prefix;
    }

    /**
     * The costs for target {@code target}, or figures missing everywhere (the Java target). The library
     * folder (target c) is the firmware's model/ folder for any Cortex-M, so it chooses by the Cortex-M4
     * figures as the firmware does.
     */
    public static KernelCosts of(String target) {
        return new KernelCosts((target.equals("host") || target.equals("c") ? "cortex-m4" : target) + ".");
    }

    /** The code bytes of {@code function}'s entry point, if measured. */
    public OptionalDouble bytes(String function) {
        return get(function + ".bytes");
    }

    /** Instructions per unit of work of {@code function}, if measured. */
    public OptionalDouble instructionsPerUnit(String function) {
        return get(function + ".ipu");
    }

    /**
     * Whether {@code special} pays for its code against {@code reference} on {@code work} units: it adds
     * no code, or it saves at least {@link #INSTRUCTIONS_PER_BYTE} instructions per added byte. Without
     * measurements for both it keeps the faster kernel (the choice of `speed`).
     */
    public boolean pays(String special, String reference, long work) {
        OptionalDouble sb = bytes(special), rb = bytes(reference);
        OptionalDouble si = instructionsPerUnit(special), ri = instructionsPerUnit(reference);
        if (sb.isEmpty() || rb.isEmpty()) {
            return true;
        }
        double extra = sb.getAsDouble() - rb.getAsDouble();
        if (extra <= 0) {
            return true;
        }
        if (si.isEmpty() || ri.isEmpty()) {
            return true;
        }
        return pays(work * (ri.getAsDouble() - si.getAsDouble()), extra);
    }

    /**
     * Balanced mode's rule on figures already summed (a model's layers together): saving {@code instructions} per
     * inference pays for {@code extraBytes} more code (negative: code freed) at {@link #INSTRUCTIONS_PER_BYTE}.
     */
    public static boolean pays(double instructions, double extraBytes) {
        return instructions >= INSTRUCTIONS_PER_BYTE * extraBytes;
    }

    /**
     * A node's work in the unit of the table: its MACs, or for ops without MACs (pooling, add, softmax)
     * its first input's elements (each read about once per window for the windows the models use).
     */
    public static long work(Op op, Node node, OpContext ctx) {
        long macs = op.macs(node, ctx);
        return macs > 0 ? macs : ctx.shape(0).elementCount();
    }

    private OptionalDouble get(String key) {
        String v = TABLE.getProperty(prefix + key);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(v));
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = KernelCosts.class.getResourceAsStream("kernel-costs.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
