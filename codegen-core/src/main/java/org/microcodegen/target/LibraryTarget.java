package org.microcodegen.target;

import org.microcodegen.emit.ColdFiles;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.LibraryEmitter;
import org.microcodegen.emit.ModelSet;
import org.microcodegen.emit.Report;
import org.microcodegen.ir.CompileException;
import org.microcodegen.lower.CKernels;
import org.microcodegen.lower.KernelRegistry;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The model as a C library folder to drop into any firmware ({@link LibraryEmitter}): the host's C
 * kernels, the Cortex-M targets' alignment, and no runner, since the folder has no main to run.
 */
record LibraryTarget(String name, String description) implements Target {
    @Override
    public KernelRegistry kernels() {
        return CKernels.registry(name());
    }

    /** The Cortex-M targets' (8, for LDRD and VLDR.64), so the folder behaves as the firmware's model/ does. */
    @Override
    public int alignment() {
        return CORTEX_M4.alignment();
    }

    @Override
    public Set<String> options() {
        return Set.of();
    }

    @Override
    public Map<String, byte[]> render(CompiledModel model, TargetOptions options) {
        return Report.withReport(model, LibraryEmitter.render(model));
    }

    @Override
    public boolean compilesSeveral() {
        return true;
    }

    @Override
    public Map<String, byte[]> render(ModelSet set, TargetOptions options) {
        return Report.withReports(set, LibraryEmitter.render(set), "");
    }

    @Override
    public String afterCompile(ModelSet set, TargetOptions options, Path output) {
        return ColdFiles.summaryLine(set.models()) + String.format(Locale.ROOT, "  library  add %s to your build: CMake add_subdirectory + target_link_libraries(... %s), or Make include %s;"
                + " #include \"%s.h\"%n", output, ModelSet.LIBRARY_NAME, output.resolve(LibraryEmitter.MAKE_FRAGMENT), ModelSet.LIBRARY_NAME);
    }

    @Override
    public String weightsLocation() {
        return "const, flash";
    }

    @Override
    public String afterCompile(CompiledModel model, TargetOptions options, Path output) {
        return ColdFiles.summaryLine(List.of(model)) + String.format(Locale.ROOT, "  library  add %s to your build: CMake add_subdirectory + target_link_libraries(... %s), or Make include %s%n",
                output, model.name(), output.resolve(LibraryEmitter.MAKE_FRAGMENT));
    }

    @Override
    public void checkRun() {
        throw new CompileException("run does not take --target " + name + " (a library has no main): use --target host or cortex-m4");
    }

    @Override
    public String run(CompiledModel model, TargetOptions options, List<Path> inputs, List<Path> outputs, RunExtras extras) {
        checkRun();
        return "";
    }
}
