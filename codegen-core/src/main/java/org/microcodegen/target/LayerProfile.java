package org.microcodegen.target;

import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.ProbePoint;
import org.microcodegen.emit.Report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * `run --profile`: instructions per layer from a probe build (firmware.stg's probes). Each probe
 * interval's count, less the measured cost of an empty interval, goes to the layer whose probe ended
 * it; the sum is compared with the whole-inference count of the normal build.
 */
public final class LayerProfile {
    private LayerProfile() {
    }

    /**
     * @param counts raw instructions per probe index; {@code empty} the count of an interval with no layer in it
     */
    public static Report.Profile of(String board, List<ProbePoint> points, Map<Integer, Long> counts, long tail, long empty,
                                    long wholeInference) {
        Map<Integer, Long> perStep = new TreeMap<>();
        for (ProbePoint p : points) {
            Long raw = counts.get(p.index());
            if (raw == null) {
                throw new QemuRunner.FirmwareFailure("the profile build reported no count for layer " + p.layer());
            }
            perStep.merge(p.step(), raw - empty, Long::sum);
        }
        return new Report.Profile(board, wholeInference, perStep, tail - empty);
    }

    /** The table `run --profile` prints: layers by cost, most first, with their share and instructions per MAC. */
    public static String table(CompiledModel model, Report.Profile profile) {
        List<Report.Layer> layers = new ArrayList<>(Report.of(model).layers());
        layers.sort(Comparator.comparingLong((Report.Layer l) -> -profile.perStep().getOrDefault(l.step(), 0L))
                .thenComparingInt(Report.Layer::step));
        long sum = profile.sum();
        int width = Math.max(5, layers.stream().mapToInt(l -> l.layer().length()).max().orElse(5));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "  profile  instructions per layer on %s (probe build, the cost of a probe subtracted):%n", profile.board()));
        sb.append(String.format(Locale.ROOT, "    %4s  %-" + width + "s  %-18s %-32s %12s %7s %9s%n", "step", "layer", "op", "kernel", "instructions", "share", "per MAC"));
        for (Report.Layer l : layers) {
            long n = profile.perStep().getOrDefault(l.step(), 0L);
            sb.append(String.format(Locale.ROOT, "    %4d  %-" + width + "s  %-18s %-32s %,12d %6.1f%% %9s%n", l.step(), l.layer(), l.op(),
                    l.kernel() == null ? "(view)" : l.kernel(), n, sum == 0 ? 0.0 : 100.0 * n / sum,
                    l.macs() == 0 ? "" : String.format(Locale.ROOT, "%.2f", (double) n / l.macs())));
        }
        sb.append(String.format(Locale.ROOT, "    after the last layer until return: %,d%n", profile.tail()));
        long whole = profile.wholeInference();
        sb.append(String.format(Locale.ROOT, "    sum %,d instructions; the whole inference (normal build) %,d: %+.2f%%%n", sum, whole,
                whole == 0 ? 0.0 : 100.0 * (sum - whole) / whole));
        return sb.toString();
    }
}
