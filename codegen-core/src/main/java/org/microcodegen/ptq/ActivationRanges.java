package org.microcodegen.ptq;

import org.microcodegen.ir.Graph;
import org.microcodegen.passes.QuantizeInt8;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each float tensor's range over the calibration set, by MindSpore Lite's three methods:
 * <ul>
 * <li>MAX_MIN ({@code max-min}): the smallest and largest value seen.
 * <li>KL ({@code kl}): the clipping threshold T on |x| whose quantized histogram is closest to the histogram
 *     of the data in Kullback-Leibler divergence (entropy calibration: TensorRT's, which MindSpore Lite's KL
 *     follows; see {@link #klThreshold}), over the values other than exact zeros; the range is
 *     [max(min, -T), min(max, T)]. Every float tensor is calibrated so, the graph's inputs included, as
 *     MindSpore Lite does.
 * <li>REMOVAL_OUTLIER ({@code percentile}): the 0.01st and 99.99th percentiles (each end drops one value in
 *     10,000, from a 2048-bin histogram of [min, max]).
 * </ul>
 * KL and percentile need the histogram, so they run the float graph twice over the data (min/max first).
 */
public final class ActivationRanges {
    static final int BINS = 2048;
    /** Quantization levels over [0, T] (int8 over [-T, T]); see {@link #klThreshold} for why not 256 on a ReLU's output. */
    static final int LEVELS = 128;
    private static final double OUTLIER_FRACTION = 1e-4;

    private ActivationRanges() {
    }

    /**
     * The ranges by {@code method}; {@code eachRun} also sees every tensor of the first pass's runs (one map per
     * sample), so that other measurements share that pass.
     */
    public static Map<String, QuantizeInt8.Range> collect(GraphInterpreter floatGraph, CalibrationData data, QuantizeOptions.Method method,
                                                          java.util.function.Consumer<Map<String, Object>> eachRun) {
        Map<String, float[]> minMax = new LinkedHashMap<>();
        forEachTensor(floatGraph, data, eachRun, (t, v) -> {
            float[] mm = minMax.computeIfAbsent(t, k -> new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY});
            for (float x : v) {
                mm[0] = Math.min(mm[0], x);
                mm[1] = Math.max(mm[1], x);
            }
        });
        Map<String, QuantizeInt8.Range> ranges = new LinkedHashMap<>();
        if (method == QuantizeOptions.Method.MAX_MIN) {
            minMax.forEach((t, mm) -> ranges.put(t, new QuantizeInt8.Range(mm[0], mm[1])));
            return ranges;
        }
        Map<String, long[]> hist = new LinkedHashMap<>();
        boolean onAbs = method == QuantizeOptions.Method.KL;
        forEachTensor(floatGraph, data, values -> { }, (t, v) -> {
            float[] mm = minMax.get(t);
            long[] h = hist.computeIfAbsent(t, k -> new long[BINS]);
            double lo = onAbs ? 0 : mm[0];
            double hi = onAbs ? Math.max(Math.abs(mm[0]), Math.abs(mm[1])) : mm[1];
            double width = (hi - lo) / BINS;
            for (float x : v) {
                if (onAbs && x == 0) {
                    continue;   // exact zeros (a ReLU's) are exact at any threshold: they must not pull it down
                }
                double y = onAbs ? Math.abs(x) : x;
                int b = width <= 0 ? 0 : (int) Math.min(BINS - 1, Math.floor((y - lo) / width));
                h[b]++;
            }
        });
        for (Map.Entry<String, float[]> e : minMax.entrySet()) {
            float[] mm = e.getValue();
            long[] h = hist.get(e.getKey());
            if (onAbs) {
                double maxAbs = Math.max(Math.abs(mm[0]), Math.abs(mm[1]));
                float t = (float) klThreshold(h, maxAbs);
                ranges.put(e.getKey(), new QuantizeInt8.Range(Math.max(mm[0], -t), Math.min(mm[1], t)));
            } else {
                ranges.put(e.getKey(), percentiles(h, mm[0], mm[1]));
            }
        }
        return ranges;
    }

    /** Calls {@code sink} with every float tensor of every sample's run (graph inputs included), in schedule order. */
    static void forEachTensor(GraphInterpreter floatGraph, CalibrationData data, java.util.function.Consumer<Map<String, Object>> eachRun,
                              java.util.function.BiConsumer<String, float[]> sink) {
        Graph g = floatGraph.graph();
        for (int s = 0; s < data.size(); s++) {
            List<Object> inputs = new ArrayList<>(data.sample(s));
            for (int i = 0; i < inputs.size(); i++) {
                sink.accept(g.inputs().get(i), (float[]) inputs.get(i));
            }
            eachRun.accept(floatGraph.run(inputs, (node, tensor, values) -> {
                if (values instanceof float[] f) {
                    sink.accept(tensor, f);
                }
            }));
        }
    }

    private static QuantizeInt8.Range percentiles(long[] h, float min, float max) {
        long total = 0;
        for (long c : h) {
            total += c;
        }
        long drop = (long) Math.floor(total * OUTLIER_FRACTION);
        double width = ((double) max - min) / BINS;
        int lo = 0;
        long seen = 0;
        while (lo < BINS - 1 && seen + h[lo] <= drop) {
            seen += h[lo++];
        }
        int hi = BINS - 1;
        seen = 0;
        while (hi > lo && seen + h[hi] <= drop) {
            seen += h[hi--];
        }
        return new QuantizeInt8.Range((float) (min + lo * width), (float) (min + (hi + 1) * width));
    }

    /**
     * Entropy calibration: for each candidate threshold (the upper edge of bin i, i from {@link #LEVELS} to all
     * {@link #BINS}), p is the histogram's first i bins with the clipped values added to the last, q the same
     * bins merged into {@link #LEVELS} quantization levels and spread back over each level's non-empty bins;
     * the threshold of least divergence KL(p || q) wins. Three rules make it hold on real data; how MindSpore
     * Lite's converter (tools/converter/quantizer, DivergInfo / DataDistribution) and NVIDIA's TensorRT
     * toolkit (pytorch-quantization's entropy calibrator) do each is said beside it:
     * <ul>
     * <li>Ties go to the <b>largest</b> threshold. A sparse histogram (a discrete input: the digits images'
     *     |x| fills 8 of the 2048 bins) gives divergence exactly 0 both when every value is kept and when all
     *     but the first occupied bin are clipped into the last kept bin (p and q then share a one-bin shape):
     *     KL cannot see that clipping, so when it scores two thresholds alike the one that clips less is the
     *     one that loses nothing it can see. The first minimum clipped the digits LeNet's input to +-0.126
     *     (90.56% top-1 against 98.33% float). NVIDIA's toolkit takes the last minimum (its "last_argmin")
     *     for the same reason; MindSpore Lite takes the first.
     * <li>Keeping every bin (i = {@link #BINS}) is a candidate, as in NVIDIA's toolkit. MindSpore Lite stops
     *     at {@code BINS - 1}, so the largest |x| is always clipped, a loss on the digits input, where the
     *     largest |x| (the -1 background) is also the most frequent value.
     * <li>128 levels, as in both, also for a tensor without negative values, although its asymmetric int8
     *     range [0, T] has 256 codes (NVIDIA's "unsigned" rule counts 256): measured on the fixtures (100
     *     N(0, 1) samples), 256 levels chose ranges that cost LeNet 1.6 dB and the MLP 1.5 dB end to end.
     * </ul>
     * As in both, q is built from the kept bins without the clipped values, so clipping shows as p's mass in
     * a last bin that q lacks, and exact zeros stay out of the histogram (a ReLU's zeros are exact at any
     * threshold; MindSpore Lite skips them too). MindSpore Lite seeds every bin with 1e-7 (a smoothing
     * prior, so q is never 0 where p is not); with 1e-7 counted as non-empty, q spreads each level's mass
     * over all its bins (so in its DivergInfo, whose comparisons with 0 are exact), which on a sparse
     * histogram favours narrow levels, i.e. clipping, so it is not followed: a q that keeps nothing of p
     * scores infinite, as in TensorRT and MXNet, and a bin of p that q lacks a large finite penalty.
     */
    static double klThreshold(long[] h, double maxAbs) {
        double width = maxAbs / BINS;
        double best = Double.POSITIVE_INFINITY;
        int bestI = BINS;
        for (int i = LEVELS; i <= BINS; i++) {
            double[] p = new double[i];
            for (int j = 0; j < i; j++) {
                p[j] = h[j];
            }
            for (int j = i; j < BINS; j++) {
                p[i - 1] += h[j];   // outliers clipped into the last kept bin
            }
            // q: the kept bins merged into LEVELS levels, each level's mass spread over its non-empty bins
            double[] q = new double[i];
            double per = (double) i / LEVELS;
            for (int l = 0; l < LEVELS; l++) {
                int from = (int) Math.floor(l * per);
                int to = l == LEVELS - 1 ? i : (int) Math.floor((l + 1) * per);
                double mass = 0;
                int nonEmpty = 0;
                for (int j = from; j < to; j++) {
                    mass += h[j];
                    nonEmpty += h[j] != 0 ? 1 : 0;
                }
                for (int j = from; j < to; j++) {
                    q[j] = h[j] != 0 ? mass / nonEmpty : 0;
                }
            }
            double kl = divergence(p, q);
            if (kl <= best) {   // a tie goes to the larger threshold (see above)
                best = kl;
                bestI = i;
            }
        }
        return (bestI + 0.5) * width;
    }

    private static double divergence(double[] p, double[] q) {
        double sp = 0;
        double sq = 0;
        for (int j = 0; j < p.length; j++) {
            sp += p[j];
            sq += q[j];
        }
        if (sp == 0) {
            return 0;
        }
        if (sq == 0) {
            // every kept bin is empty, the data all clipped into the last: q holds nothing of p, which
            // TensorRT's calibration (and MXNet's, which it follows) scores as an infinite divergence
            return Double.POSITIVE_INFINITY;
        }
        double kl = 0;
        for (int j = 0; j < p.length; j++) {
            if (p[j] == 0) {
                continue;
            }
            double pj = p[j] / sp;
            double qj = q[j] == 0 ? 1e-10 : q[j] / sq;
            kl += pj * Math.log(pj / qj);
        }
        return kl;
    }
}
