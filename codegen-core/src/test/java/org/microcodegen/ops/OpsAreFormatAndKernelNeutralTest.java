package org.microcodegen.ops;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps ops/ format-neutral and kernel-neutral: no C kernel name (the registry's business) and no
 * MindSpore attribute spelling (the MindIR frontend's) in any source file of the package.
 */
class OpsAreFormatAndKernelNeutralTest {
    /** MindSpore attribute spellings that once lived in the op classes. */
    /**
     * MindSpore attribute spellings that once lived in the op classes. (Parameter field names such as
     * "groups" or "count_include_pad" are the kernels' argument layout, an op fact, and may stay.)
     */
    private static final List<String> MINDSPORE_SPELLINGS = List.of(
            "pad_mode", "pad_list", "\"pad\"", "\"group\"", "\"format\"", "NCHW\"", "kernel_size", "ksize", "transpose_a",
            "transpose_b", "transpose_x1", "transpose_x2", "\"stride\"", "\"dilation\"", "ceil_mode", "output_size",
            "is_training", "keep_dims", "paddings_contiguous", "begin_mask", "end_mask", "shrink_axis_mask", "ellipsis_mask",
            "new_axis_mask", "start_dim\"", "end_dim\"", "out_channel", "fused_activation", "attrs()", "getLong(", "getBool(");

    private static final Pattern KERNEL_NAME = Pattern.compile("\\bmc_[a-z0-9_]+");

    private static Path opsSources() {
        Path fromModule = Path.of("src/main/java/org/microcodegen/ops");
        return Files.isDirectory(fromModule) ? fromModule : Path.of("codegen-core").resolve(fromModule);
    }

    @Test
    void noKernelNameAndNoMindSporeSpellingUnderOps() throws IOException {
        Path dir = opsSources();
        assertTrue(Files.isDirectory(dir), "ops sources not found at " + dir.toAbsolutePath());
        List<String> hits = new ArrayList<>();
        int files = 0;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                files++;
                List<String> lines = Files.readAllLines(p);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (KERNEL_NAME.matcher(line).find()) {
                        hits.add(p.getFileName() + ":" + (i + 1) + " names a kernel: " + line.strip());
                    }
                    for (String s : MINDSPORE_SPELLINGS) {
                        if (line.contains(s)) {
                            hits.add(p.getFileName() + ":" + (i + 1) + " spells " + s + ": " + line.strip());
                        }
                    }
                }
            }
        }
        assertTrue(files > 10, "expected the op classes, found " + files + " files");
        assertEquals(List.of(), hits);
    }
}
