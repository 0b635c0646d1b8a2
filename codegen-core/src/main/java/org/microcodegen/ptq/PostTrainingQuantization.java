package org.microcodegen.ptq;

import org.microcodegen.ir.Graph;
import org.microcodegen.passes.NhwcLayout;
import org.microcodegen.passes.QuantizeInt8;
import org.microcodegen.quant.Reference;

import java.util.Map;

/**
 * Full int8 post-training quantization of a float graph, whatever format it came from (it works on the
 * canonical graph after the standard passes): NHWC layout, calibration on the float graph (run on
 * runtime-micro's Java kernels), bias correction, the int8 rewrite, and the report measured by running
 * both graphs on the calibration set.
 */
public final class PostTrainingQuantization {
    private PostTrainingQuantization() {
    }

    public record Result(Graph graph, QuantReport report) {
    }

    public static Result int8(Graph standardFloat, QuantizeOptions o, Reference reference, String file) {
        Graph nhwc = NhwcLayout.run(standardFloat, file);
        QuantizeInt8.requireQuantizable(nhwc, file);   // an unsupported op is reported before calibration runs
        CalibrationData data = CalibrationData.read(o, nhwc);
        GraphInterpreter floatRun = new GraphInterpreter(nhwc, reference, file);
        BiasCorrection correction = o.biasCorrection() ? new BiasCorrection(nhwc, reference, file) : null;
        Map<String, QuantizeInt8.Range> ranges = ActivationRanges.collect(floatRun, data, o.method(), values -> {
            if (correction != null) {
                correction.add(values);   // measured in the same runs as the ranges
            }
        });
        Graph corrected = correction != null ? correction.apply() : nhwc;
        Graph q = QuantizeInt8.run(corrected, ranges, o.floatIo(), file);
        QuantReport report = QuantReport.measure(nhwc, floatRun, new GraphInterpreter(q, reference, file), data, ranges, o);
        return new Result(q, report);
    }
}
