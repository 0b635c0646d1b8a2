package org.microcodegen.target;

import org.microcodegen.lower.CKernels;
import org.microcodegen.lower.KernelRegistry;

import org.microcodegen.emit.CEmitter;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.Report;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Portable C99 sources for the build machine's C compiler; `run` builds them with cc ({@link HostRunner}). */
record HostTarget(String name, String description, int alignment) implements Target {
    @Override
    public KernelRegistry kernels() {
        return CKernels.registry(name());
    }

    @Override
    public Set<String> options() {
        return Set.of();
    }

    @Override
    public Map<String, byte[]> render(CompiledModel model, TargetOptions options) {
        return Report.withReport(model, CEmitter.render(model));
    }

    @Override
    public String weightsLocation() {
        return "const, flash";
    }

    @Override
    public String run(CompiledModel model, TargetOptions options, List<Path> inputs, List<Path> outputs) {
        HostRunner.run(model, inputs, outputs);
        return RunFiles.ranReport(model, "the host", inputs, outputs);
    }
}
