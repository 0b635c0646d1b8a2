package org.microcodegen.frontend.mindir;

import org.microcodegen.frontend.mindir.proto.MindIr.AttributeProto;
import org.microcodegen.frontend.mindir.proto.MindIr.TensorProto;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Quantization;

import java.util.ArrayList;
import java.util.List;

/**
 * A MindIR tensor's quantisation parameters (TensorProto.quant_params, written by MindSpore's
 * quantisation-aware export): attributes "scale" and "zero_point", one value per tensor or one per
 * channel along "channel_axis" (axis 0, the output channels, when absent). None for float models.
 */
final class MindIrQuantization {
    private MindIrQuantization() {
    }

    /** The tensor's quantisation, or null when it carries none. */
    static Quantization of(TensorProto t, String what) {
        if (t.getQuantParamsCount() == 0) {
            return null;
        }
        List<Float> scales = new ArrayList<>();
        List<Integer> zeroPoints = new ArrayList<>();
        int axis = 0;
        for (TensorProto.QuantParamProto q : t.getQuantParamsList()) {
            for (AttributeProto a : q.getAttributeList()) {
                switch (a.getName()) {
                    case "scale" -> numbers(a).forEach(v -> scales.add(v.floatValue()));
                    case "zero_point" -> numbers(a).forEach(v -> zeroPoints.add((int) v.longValue()));
                    case "channel_axis" -> axis = (int) a.getI();
                    default -> {
                        // min/max/num_bits/narrow_range describe how the scale was found; the scale is what counts
                    }
                }
            }
        }
        if (scales.isEmpty() || scales.size() != zeroPoints.size()) {
            throw new CompileException("quantisation of " + what + " has " + scales.size() + " scales and "
                    + zeroPoints.size() + " zero points");
        }
        return new Quantization(scales, zeroPoints, axis);
    }

    /** A scalar or list attribute's values, whichever field MindSpore wrote. */
    private static List<Number> numbers(AttributeProto a) {
        List<Number> out = new ArrayList<>();
        out.addAll(a.getDoublesList());
        out.addAll(a.getFloatsList());
        out.addAll(a.getIntsList());
        if (out.isEmpty()) {
            out.add(a.hasD() ? a.getD() : a.hasF() ? a.getF() : a.getI());
        }
        return out;
    }
}
