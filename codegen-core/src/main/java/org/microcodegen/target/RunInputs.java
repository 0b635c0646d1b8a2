package org.microcodegen.target;

import org.microcodegen.emit.CompiledModel;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.TensorType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The checks every `run` does before building anything: one file per graph input and output, inputs of the right size. */
final class RunInputs {
    private RunInputs() {
    }

    static void check(CompiledModel model, List<Path> inputs, List<Path> outputs) {
        int nIn = model.graph().inputs().size();
        int nOut = model.graph().outputs().size();
        if (inputs.size() != nIn) {
            throw new CompileException("the model has " + nIn + " input(s) but " + inputs.size() + " --input file(s) were given");
        }
        if (outputs.size() != nOut) {
            throw new CompileException("the model has " + nOut + " output(s) but " + outputs.size() + " --out file(s) were given");
        }
        for (int i = 0; i < nIn; i++) {
            TensorType t = model.graph().type(model.graph().inputs().get(i));
            Path p = inputs.get(i);
            long size;
            try {
                size = Files.size(p);
            } catch (IOException e) {
                throw new CompileException("input " + i + ": cannot read " + p);
            }
            if (size != t.byteSize()) {
                throw new CompileException("input " + i + " (" + p + ") has " + size + " bytes; the model expects "
                        + t.byteSize() + " (" + t + ", little-endian)");
            }
        }
    }
}
