package org.microcodegen.lower;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Balanced mode's choice over a whole model. Code is linked once per model, so a kernel's bytes count once,
 * however many layers call it. Starting from each layer's own choice, for every kernel in registry order it
 * takes the layers that kernel computes faster than their current one and moves them all to it when the
 * instructions they save together pay for the code the move adds: the kernel's bytes if no layer links it yet,
 * minus the bytes of every kernel no layer calls afterwards (a reference kernel left without layers is not
 * linked). A kernel already linked adds nothing, so its layers move as soon as it is faster. It repeats
 * until nothing moves; layers only ever move to earlier (faster) kernels of their own list, so it ends, and
 * the order of layers and entries makes it deterministic. Every kernel of a list computes the same results
 * (each specialised kernel is bit-exact with its reference), so the choice changes speed and code only.
 */
final class ModelWideChoice {
    private ModelWideChoice() {
    }

    /**
     * The kernels of the model's layers: {@code matching} holds each layer's kernels (fastest first, reference
     * last), {@code work} its units of work, {@code chosen} the layers' own choices.
     */
    static List<Kernel> settle(List<List<Kernel>> matching, List<Long> work, List<Kernel> chosen, KernelCosts costs) {
        List<Kernel> current = new ArrayList<>(chosen);
        Set<String> candidates = new LinkedHashSet<>();
        matching.forEach(list -> list.forEach(k -> candidates.add(k.function())));
        boolean moved = true;
        while (moved) {
            moved = false;
            for (String function : candidates) {
                List<Integer> movers = fasterOn(function, matching, current);
                if (!movers.isEmpty() && pays(function, movers, work, current, costs)) {
                    movers.forEach(i -> current.set(i, matching.get(i).get(indexOf(matching.get(i), function))));
                    moved = true;
                }
            }
        }
        return current;
    }

    /** The layers whose kernel list has {@code function} before their current kernel. */
    private static List<Integer> fasterOn(String function, List<List<Kernel>> matching, List<Kernel> current) {
        List<Integer> layers = new ArrayList<>();
        for (int i = 0; i < matching.size(); i++) {
            int at = indexOf(matching.get(i), function);
            if (at >= 0 && at < indexOf(matching.get(i), current.get(i).function())) {
                layers.add(i);
            }
        }
        return layers;
    }

    /**
     * Whether moving {@code movers} to {@code function} pays model-wide. Without measurements for a kernel involved
     * it moves, as {@link KernelCosts#pays} keeps the faster kernel then.
     */
    private static boolean pays(String function, List<Integer> movers, List<Long> work, List<Kernel> current, KernelCosts costs) {
        OptionalDouble to = costs.instructionsPerUnit(function);
        double saved = 0;
        for (int i : movers) {
            OptionalDouble from = costs.instructionsPerUnit(current.get(i).function());
            if (from.isEmpty() || to.isEmpty()) {
                return true;
            }
            saved += work.get(i) * (from.getAsDouble() - to.getAsDouble());
        }
        Set<String> before = linked(current);
        List<Kernel> after = new ArrayList<>(current);
        movers.forEach(i -> after.set(i, null));
        Set<String> remaining = linked(after);
        remaining.add(function);
        double extra = 0;
        for (String f : union(before, remaining)) {
            OptionalDouble bytes = costs.bytes(f);
            if (bytes.isEmpty()) {
                return true;
            }
            extra += (remaining.contains(f) ? bytes.getAsDouble() : 0) - (before.contains(f) ? bytes.getAsDouble() : 0);
        }
        return KernelCosts.pays(saved, extra);
    }

    /** The entry points the layers call (null: a layer being moved). */
    private static Set<String> linked(List<Kernel> kernels) {
        Set<String> functions = new HashSet<>();
        kernels.stream().filter(k -> k != null).forEach(k -> functions.add(k.function()));
        return functions;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static int indexOf(List<Kernel> kernels, String function) {
        for (int i = 0; i < kernels.size(); i++) {
            if (kernels.get(i).function().equals(function)) {
                return i;
            }
        }
        return -1;
    }
}
