package org.microcodegen.target;

import org.microcodegen.emit.CompiledModel;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.TensorType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * `run --expect FILE [--tolerance T]`: reference outputs, one raw little-endian file per graph output
 * in the output's own dtype and size (as `run` writes them, or a NumPy array's {@code tofile()}),
 * read before anything is built so a bad file stops the run with nothing written.
 */
public final class ExpectedOutputs {
    /** The project's own acceptance rule for float outputs: 1e-4 of the reference's scale (at least 1). */
    public static final double DEFAULT_RELATIVE = 1e-4;

    private final List<RawTensor> references;
    private final Double tolerance;

    private ExpectedOutputs(List<RawTensor> references, Double tolerance) {
        this.references = references;
        this.tolerance = tolerance;
    }

    /** Reads one reference per graph output; {@code tolerance} null means the default rule. */
    public static ExpectedOutputs read(CompiledModel model, List<Path> files, Double tolerance) {
        int nOut = model.graph().outputs().size();
        if (files.size() != nOut) {
            throw new CompileException("the model has " + nOut + " output(s) but " + files.size() + " --expect file(s) were given");
        }
        if (tolerance != null && !(tolerance >= 0 && Double.isFinite(tolerance))) {
            throw new CompileException("--tolerance " + tolerance + ": must be a finite number >= 0");
        }
        List<RawTensor> refs = new ArrayList<>();
        for (int i = 0; i < nOut; i++) {
            TensorType t = model.graph().type(model.graph().outputs().get(i));
            Path p = files.get(i);
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(p);
            } catch (IOException e) {
                throw new CompileException("--expect " + p + ": cannot read it");
            }
            if (bytes.length != t.byteSize()) {
                throw new CompileException("--expect " + p + " has " + bytes.length + " bytes; output " + i + " is " + t
                        + " (" + t.byteSize() + " bytes, raw little-endian)");
            }
            refs.add(RawTensor.decode(t, bytes));
        }
        return new ExpectedOutputs(refs, tolerance);
    }

    /** One output's comparison: the largest absolute error, where, and the tolerance it was held to. */
    public record Comparison(int output, double maxError, int worst, double tolerance, RawTensor actual, RawTensor reference) {
        public boolean passed() {
            return maxError <= tolerance;
        }

        String line() {
            String where = worst < 0 ? "" : String.format(Locale.ROOT, " at %s (index %d: got %s, expected %s)",
                    reference.position(worst), worst, actual.format(worst), reference.format(worst));
            return String.format(Locale.ROOT, "  output %d: %s, largest absolute error %s%s, tolerance %s%n",
                    output, passed() ? "PASS" : "FAIL", Double.isNaN(maxError) ? "NaN" : String.format(Locale.ROOT, "%.3g", maxError),
                    where, String.format(Locale.ROOT, "%.3g", tolerance));
        }
    }

    /** Compares the outputs a run wrote against the references. */
    public List<Comparison> compare(List<RawTensor> actual) {
        List<Comparison> result = new ArrayList<>();
        for (int i = 0; i < references.size(); i++) {
            result.add(compare(i, actual.get(i), references.get(i)));
        }
        return result;
    }

    private Comparison compare(int output, RawTensor got, RawTensor ref) {
        double[] a = got.values();
        double[] r = ref.values();
        double max = 0;
        int worst = -1;
        double scale = 1;
        for (int i = 0; i < r.length; i++) {
            double err = Double.isNaN(a[i]) && Double.isNaN(r[i]) ? 0 : Math.abs(a[i] - r[i]);
            if (a[i] == r[i]) {
                err = 0;      // equal infinities
            }
            if (Double.isNaN(err) ? !Double.isNaN(max) : err > max) {
                max = err;
                worst = i;
            }
            if (Double.isFinite(r[i])) {
                scale = Math.max(scale, Math.abs(r[i]));
            }
        }
        double tol = tolerance != null ? tolerance
                : ref.type().dtype().isFloatingPoint() ? DEFAULT_RELATIVE * scale : 0;
        return new Comparison(output, max, worst, tol, got, ref);
    }

    /** The lines `run` prints and whether every output passed. */
    public static String describe(List<Comparison> comparisons) {
        StringBuilder sb = new StringBuilder();
        boolean all = comparisons.stream().allMatch(Comparison::passed);
        sb.append(all ? "PASS" : "FAIL").append(": outputs against --expect\n");
        comparisons.forEach(c -> sb.append(c.line()));
        return sb.toString();
    }
}
