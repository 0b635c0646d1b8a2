package org.microcodegen.target;

import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.Report;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.TensorType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The raw tensor files of `micro-codegen run`: checked against the model before anything is built. */
public final class RunFiles {
    private RunFiles() {
    }

    /** Reads the inputs of a run after checking there is one file per graph input and output. */
    public static List<byte[]> readInputs(CompiledModel model, List<Path> inputs, List<Path> outputs) {
        int nOut = model.graph().outputs().size();
        if (outputs.size() != nOut) {
            throw new CompileException("the model has " + nOut + " output(s) but " + outputs.size() + " --out file(s) were given");
        }
        return readInputs(model, inputs, "--input");
    }

    /** Reads one raw tensor per graph input, each of exactly the input's size. */
    public static List<byte[]> readInputs(CompiledModel model, List<Path> inputs, String option) {
        int nIn = model.graph().inputs().size();
        if (inputs.size() != nIn) {
            throw new CompileException("the model has " + nIn + " input(s) but " + inputs.size() + " " + option + " file(s) were given");
        }
        List<byte[]> data = new ArrayList<>();
        for (int i = 0; i < nIn; i++) {
            TensorType t = model.graph().type(model.graph().inputs().get(i));
            Path p = inputs.get(i);
            long size;
            try {
                size = Files.size(p);
                if (size == t.byteSize()) {
                    data.add(Files.readAllBytes(p));
                    continue;
                }
            } catch (IOException e) {
                throw new CompileException("input " + i + ": cannot read " + p);
            }
            throw new CompileException("input " + i + " (" + p + ") has " + size + " bytes; the model expects "
                    + t.byteSize() + " (" + t + ", little-endian)");
        }
        return data;
    }

    /** Moves finished output files into place (creating folders), so a failed run leaves no partial file. */
    public static void publish(List<Path> produced, List<Path> destinations) throws IOException {
        for (int i = 0; i < produced.size(); i++) {
            Path dest = destinations.get(i).toAbsolutePath();
            if (dest.getParent() != null) {
                Files.createDirectories(dest.getParent());
            }
            Files.copy(produced.get(i), dest, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** `run --report FILE`: the compile's report.json, with the run's profile when there is one; nothing when {@code file} is null. */
    public static void writeReport(CompiledModel model, Path file, Report.Profile profile) {
        if (file == null) {
            return;
        }
        byte[] json = profile == null ? Report.files(model).get(Report.JSON_FILE) : Report.jsonWithProfile(model, profile);
        try {
            publish(List.of(Files.write(Files.createTempFile("micro-codegen-report", ".json"), json)), List.of(file));
        } catch (IOException e) {
            throw new CompileException("cannot write the report to " + file + ": " + e.getMessage());
        }
    }

    /** The outputs a run wrote, decoded in their dtypes. */
    public static List<RawTensor> readOutputs(CompiledModel model, List<Path> outputs) {
        List<RawTensor> result = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            TensorType t = model.graph().type(model.graph().outputs().get(i));
            try {
                result.add(RawTensor.decode(t, Files.readAllBytes(outputs.get(i))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return result;
    }

    /** For every vector output, its top-5 indices and values, one line each ("" when none is a vector). */
    public static String topLines(List<RawTensor> outputs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < outputs.size(); i++) {
            RawTensor t = outputs.get(i);
            if (t.isVector()) {
                sb.append(String.format(Locale.ROOT, "  output %d %s: %s%n", i, t.type(), t.topLine(5)));
            }
        }
        return sb.toString();
    }

    /** The one-line report of a run that measures nothing (host, JVM). */
    static String ranReport(CompiledModel model, String where, List<Path> inputs, List<Path> outputs) {
        return String.format(Locale.ROOT, "ran %s on %s: %d input(s), wrote %s%n",
                Path.of(model.sourceFile()).getFileName(), where, inputs.size(), outputs);
    }
}
