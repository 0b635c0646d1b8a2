package org.microcodegen.cli;

import org.microcodegen.frontend.mindir.MindIrLoader;
import org.microcodegen.lower.KernelRegistry;
import org.microcodegen.lower.OpLimits;
import org.microcodegen.target.Target;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * `micro-codegen ops`: every op of every target's kernel registry with its dtypes, targets, kernels
 * (and the shapes each applies to) and limits. Read from the registries, so the list cannot drift
 * from what lowering accepts.
 */
final class OpsListing {
    private OpsListing() {
    }

    static String render() {
        List<Target> targets = Target.all();
        Set<String> ops = new LinkedHashSet<>();
        for (Target t : targets) {
            t.kernels().entries().forEach(e -> ops.add(e.op()));
        }
        StringBuilder sb = new StringBuilder();
        sb.append("Ops by canonical name: the dtypes and targets their kernels support, the kernels in the order they are\n")
          .append("tried (specialised first; the last is the reference kernel --optimize size takes) and their limits.\n");
        for (String op : ops) {
            sb.append('\n').append(op);
            String limits = OpLimits.of(op);
            if (limits != null) {
                sb.append("  (").append(limits).append(')');
            }
            sb.append('\n');
            // targets with the same entries for the op share one block (host, cortex-m4, cortex-m7)
            Map<List<String>, List<String>> blocks = new LinkedHashMap<>();
            for (Target t : targets) {
                List<String> lines = lines(t.kernels(), op);
                if (!lines.isEmpty()) {
                    blocks.computeIfAbsent(lines, k -> new ArrayList<>()).add(t.name());
                }
            }
            blocks.forEach((lines, names) -> {
                sb.append("  ").append(String.join(", ", names)).append(": ").append(dtypes(targetOf(names), op)).append('\n');
                lines.forEach(l -> sb.append("      ").append(l).append('\n'));
            });
            List<String> without = targets.stream().map(Target::name)
                    .filter(n -> blocks.values().stream().noneMatch(b -> b.contains(n))).toList();
            if (!without.isEmpty()) {
                sb.append("  not on: ").append(String.join(", ", without)).append('\n');
            }
        }
        sb.append('\n').append("Views (no kernel: they relabel memory), any dtype, every target: ")
          .append(String.join(", ", OpLimits.VIEWS)).append('\n');
        sb.append("MindIR operators read: ").append(String.join(", ", MindIrLoader.supportedOps())).append('\n');
        return sb.toString();
    }

    private static Target targetOf(List<String> names) {
        return Target.byName(names.get(0));
    }

    /** The distinct dtype signatures of {@code op}'s entries, in registry order. */
    private static String dtypes(Target t, String op) {
        Set<String> d = new LinkedHashSet<>();
        t.kernels().entries().stream().filter(e -> e.op().equals(op)).forEach(e -> d.add(e.signature().describe()));
        return String.join(", ", d);
    }

    /** One line per kernel and shape rule: the kernel, its dtypes (when the op has several), the shapes. */
    private static List<String> lines(KernelRegistry r, String op) {
        List<KernelRegistry.Entry> entries = r.entries().stream().filter(e -> e.op().equals(op)).toList();
        boolean severalDtypes = entries.stream().map(e -> e.signature().describe()).distinct().count() > 1;
        Map<List<String>, Set<String>> dtypesByKernel = new LinkedHashMap<>();
        for (KernelRegistry.Entry e : entries) {
            dtypesByKernel.computeIfAbsent(List.of(name(e), e.shapes()), k -> new LinkedHashSet<>()).add(e.signature().describe());
        }
        int width = dtypesByKernel.keySet().stream().mapToInt(k -> k.get(0).length()).max().orElse(0);
        List<String> lines = new ArrayList<>();
        dtypesByKernel.forEach((k, d) -> lines.add(String.format(Locale.ROOT, "%-" + width + "s  %s", k.get(0),
                (severalDtypes ? String.join(", ", d) + "; " : "") + k.get(1))));
        return lines;
    }

    private static String name(KernelRegistry.Entry e) {
        // a C entry point is a global name (mc_*); a Java kernel is a method of its runtime class
        String f = e.kernel().function();
        return f.startsWith("mc_") ? f : e.kernel().module() + "." + f;
    }
}
