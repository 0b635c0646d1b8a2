package org.microcodegen.target;

import org.microcodegen.lower.JavaKernels;
import org.microcodegen.lower.KernelRegistry;

import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.Report;
import org.microcodegen.emit.JavaEmitter;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Java 8 source for a JVM, with runtime-micro's Java kernels; `run` compiles and runs it in this JVM ({@link JavaRunner}). */
record JavaTarget(String name, String description, int alignment) implements Target {
    @Override
    public KernelRegistry kernels() {
        return JavaKernels.registry(name());
    }

    @Override
    public Set<String> options() {
        return Set.of(TargetOptions.PACKAGE);
    }

    @Override
    public Map<String, byte[]> render(CompiledModel model, TargetOptions options) {
        return Report.withReport(model, JavaEmitter.render(model, options.javaPackage() != null ? options.javaPackage() : JavaEmitter.DEFAULT_PACKAGE));
    }

    @Override
    public String weightsLocation() {
        return "a resource, read once";
    }

    @Override
    public String run(CompiledModel model, TargetOptions options, List<Path> inputs, List<Path> outputs, RunExtras extras) {
        JavaRunner.run(model, inputs, outputs);
        RunFiles.writeReport(model, extras.report(), null);
        return RunFiles.ranReport(model, "the JVM", inputs, outputs);
    }
}
