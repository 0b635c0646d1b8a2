package org.microcodegen.target;

import org.microcodegen.lower.CKernels;
import org.microcodegen.lower.KernelRegistry;

import org.microcodegen.emit.CEmitter;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.LibraryEmitter;
import org.microcodegen.emit.ModelSet;
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
    public boolean compilesSeveral() {
        return true;
    }

    /** Every model's sources, the kernels once, and models.h; no runner: `run` takes one model. */
    @Override
    public Map<String, byte[]> render(ModelSet set, TargetOptions options) {
        return Report.withReports(set, LibraryEmitter.renderSources(set), "");
    }

    @Override
    public String weightsLocation() {
        return "const, flash";
    }

    @Override
    public boolean dumpsTensors() {
        return true;
    }

    @Override
    public String run(CompiledModel model, TargetOptions options, List<Path> inputs, List<Path> outputs, RunExtras extras) {
        int dumped = HostRunner.run(model, inputs, outputs, List.of(), extras.dumpTensors());
        RunFiles.writeReport(model, extras.report(), null);
        return RunFiles.ranReport(model, "the host", inputs, outputs) + (extras.dumpTensors() == null ? ""
                : String.format(java.util.Locale.ROOT, "  dumped   %d tensors to %s (index in %s)%n", dumped, extras.dumpTensors(), TensorDump.INDEX));
    }
}
