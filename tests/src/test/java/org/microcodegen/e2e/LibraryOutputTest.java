package org.microcodegen.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.target.Board;
import org.microcodegen.target.QemuRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `--target c` (issue 15, item 2): a folder with only the model's files, the kernels they call, a
 * CMakeLists.txt and model.mk, which a project that knows nothing else of micro-codegen builds. The
 * vendor project (test resources vendor-project/) has its own startup code, linker script and main; it
 * is built once with CMake and once with its own Makefile, run under QEMU, and its outputs must equal
 * MindSpore's within the fixture tolerance. The firmware project's model/ is the same folder.
 */
class LibraryOutputTest {
    private static final Board MPS2 = Board.byName("mps2-an386");
    private static final Pattern OUT_LINE = Pattern.compile("out (\\d{3}) ([0-9a-f]{8})");

    @TempDir
    Path tmp;

    /** The library folder of the LeNet fixture, compiled into {@code dir}. */
    private static Path library(Path dir) {
        E2E.CliResult r = E2E.cli("--model", E2E.fixture("lenet").model().toString(), "--target", "c", "--name", "lenet",
                "--output", dir.toString());
        assertEquals(0, r.exit(), r::toString);
        return dir;
    }

    @Test
    void theFolderHoldsOnlyTheModelItsKernelsAndTheTwoBuildFiles() {
        Path lib = library(tmp.resolve("lib"));
        Set<String> names = E2E.folderContents(lib).keySet();
        Set<String> expected = new TreeSet<>(List.of("lenet.h", "lenet.c", "lenet_weights.h", "lenet_weights.c", "mc_common.h",
                "mc_conv2d.h", "mc_conv2d.c", "mc_matmul.h", "mc_matmul.c", "mc_pool2d.h", "mc_pool2d.c", "mc_version.h",
                "CMakeLists.txt", "model.mk", "report.json", "report.html", ".micro-codegen-manifest"));
        assertEquals(expected, new TreeSet<>(names));
        String cmake = E2E.read(lib.resolve("CMakeLists.txt"));
        assertTrue(cmake.contains("add_library(lenet STATIC") && cmake.contains("C_STANDARD 99"), cmake);
        assertTrue(cmake.contains("target_include_directories(lenet PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})"), cmake);
        String mk = E2E.read(lib.resolve("model.mk"));
        // a fragment sets its own namespaced variables only: never CFLAGS, SRCS, CC or a rule
        for (String line : mk.split("\n")) {
            assertTrue(line.isEmpty() || line.startsWith("#") || line.matches("LENET_(DIR|SRCS|SIZE_SRCS|INC) :=( .*)?"), "model.mk: " + line);
        }
    }

    /**
     * The firmware project's model/ is byte for byte what --target c writes, but for the target's name in
     * the report; the harness lives beside it.
     */
    @Test
    void theFirmwareProjectKeepsTheSameFolderAsItsModelSubfolder() {
        Map<String, byte[]> lib = E2E.folderContents(library(tmp.resolve("lib")));
        Path fw = tmp.resolve("fw");
        E2E.CliResult r = E2E.cli("--model", E2E.fixture("lenet").model().toString(), "--target", "cortex-m4", "--name", "lenet",
                "--output", fw.toString());
        assertEquals(0, r.exit(), r::toString);
        Map<String, byte[]> model = E2E.folderContents(fw.resolve("model"));
        lib.remove(".micro-codegen-manifest");
        assertEquals(lib.keySet(), model.keySet());
        for (String name : lib.keySet()) {
            if (name.startsWith("report.")) {
                // the report names the target it was compiled for; nothing else differs
                String firmware = new String(model.get(name), StandardCharsets.UTF_8);
                assertEquals(new String(lib.get(name), StandardCharsets.UTF_8), firmware.replace("\"target\": \"cortex-m4\"", "\"target\": \"c\"")
                        .replace("for target cortex-m4,", "for target c,"), name);
            } else {
                assertArrayEquals(lib.get(name), model.get(name), "model/" + name + " differs from the --target c file");
            }
        }
        Set<String> top;
        try (Stream<Path> s = Files.list(fw)) {
            top = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(new TreeSet<>(List.of(".micro-codegen-manifest", "Makefile", "board", "main.c", "model", "test_data.c", "test_data.h")), top);
        assertTrue(E2E.read(fw.resolve("Makefile")).contains("include model/model.mk"));
    }

    @Test
    void runRefusesTheLibraryTargetInOneLine() {
        E2E.Fixture f = E2E.fixture("lenet");
        Path out = tmp.resolve("o.bin");
        String line = E2E.assertCleanFailure(E2E.cli("run", "--model", f.model().toString(), "--target", "c",
                "--input", f.inputs().get(0).toString(), "--out", out.toString()), "run --target c");
        assertTrue(line.contains("use --target host or cortex-m4"), line);
        assertFalse(Files.exists(out));
    }

    /** The folder compiles strictly on the host and links into a tiny program whose outputs are MindSpore's. */
    @Test
    void onTheHostTheFolderBuildsStrictlyAndLinksIntoAProgram() throws IOException {
        E2E.requireCc();
        E2E.Fixture f = E2E.fixture("lenet");
        Path lib = library(tmp.resolve("lib"));
        Path app = Files.createDirectories(tmp.resolve("app"));
        writeInput(app, f);
        Files.writeString(app.resolve("app.c"), """
                #include <stdio.h>
                #include "lenet.h"

                extern const float input_data[LENET_INPUT0_SIZE];
                static double arena[LENET_ARENA_DOUBLES];
                static float scores[LENET_OUTPUT0_SIZE];

                int main(int argc, char **argv)
                {
                    FILE *out;
                    if (argc != 2 || lenet_run(input_data, scores, arena) != 0 || (out = fopen(argv[1], "wb")) == NULL) {
                        return 1;
                    }
                    return fwrite(scores, sizeof scores, 1, out) == 1 && fclose(out) == 0 ? 0 : 1;
                }
                """);
        List<String> cc = new ArrayList<>(List.of("cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I" + lib, "-o", "app",
                "app.c", "input_data.c"));
        try (Stream<Path> s = Files.list(lib)) {
            s.map(Path::toString).filter(p -> p.endsWith(".c")).sorted().forEach(cc::add);
        }
        cc.add("-lm");
        E2E.ProcResult built = E2E.exec(app, cc);
        assertEquals(0, built.exit(), built::output);
        E2E.ProcResult ran = E2E.exec(app, List.of("./app", "scores.bin"));
        assertEquals(0, ran.exit(), ran::output);
        assertMatchesReference(f, E2E.readFloats(app.resolve("scores.bin")), "host program");
    }

    @Test
    void aVendorProjectBuiltWithCMakeRunsTheModelOnTheCortexM4() throws IOException {
        requireVendorTools("cmake");
        Path project = vendorProject();
        Path toolchain = Files.writeString(tmp.resolve("arm-none-eabi.cmake"), """
                set(CMAKE_SYSTEM_NAME Generic)
                set(CMAKE_SYSTEM_PROCESSOR arm)
                set(CMAKE_C_COMPILER arm-none-eabi-gcc)
                set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
                set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard -O2")
                """);
        Path build = tmp.resolve("build");
        E2E.ProcResult configured = E2E.exec(tmp, List.of("cmake", "-S", project.toString(), "-B", build.toString(),
                "-DCMAKE_TOOLCHAIN_FILE=" + toolchain));
        assertEquals(0, configured.exit(), configured::output);
        E2E.ProcResult built = E2E.exec(build, List.of("make", "VERBOSE=1"));
        assertEquals(0, built.exit(), built::output);
        assertTrue(built.output().contains("liblenet.a"), "the model was not built as its own library: " + built.output());
        runUnderQemu(build.resolve("app.elf"), "CMake build");
    }

    @Test
    void aVendorProjectBuiltWithItsOwnMakefileRunsTheModelOnTheCortexM4() throws IOException {
        requireVendorTools("make");
        Path project = vendorProject();
        E2E.ProcResult built = E2E.exec(project, List.of("make"));
        assertEquals(0, built.exit(), built::output);
        // the vendor's CFLAGS, set before the include, survive it (its own -Werror reaches the model's files)
        assertTrue(built.output().contains("-Werror -Ilenet -c -o obj/lenet/lenet.o lenet/lenet.c"), built.output());
        runUnderQemu(project.resolve("app.elf"), "Makefile build");
    }

    private static void requireVendorTools(String buildTool) {
        for (String tool : List.of("arm-none-eabi-gcc", "make", "qemu-system-arm", buildTool)) {
            E2E.require(E2E.onPath(tool), "no " + tool + " on PATH (tools/test installs it with apt-get)");
        }
    }

    /** The vendor project from the test resources, with the library folder copied in as lenet/ and the test input. */
    private Path vendorProject() throws IOException {
        Path project = tmp.resolve("vendor");
        Path resources;
        try {
            resources = Path.of(LibraryOutputTest.class.getResource("/vendor-project").toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
        try (Stream<Path> s = Files.list(resources)) {
            for (Path p : s.toList()) {
                Files.copy(p, Files.createDirectories(project).resolve(p.getFileName().toString()));
            }
        }
        library(project.resolve("lenet"));
        writeInput(project, E2E.fixture("lenet"));
        return project;
    }

    /** input_data.c: the fixture's input as C99 hexadecimal float literals, so every value is exact. */
    private static void writeInput(Path dir, E2E.Fixture f) throws IOException {
        float[] input = E2E.readFloats(f.inputs().get(0));
        StringBuilder c = new StringBuilder("#include \"lenet.h\"\n\nconst float input_data[LENET_INPUT0_SIZE] = {\n");
        for (int i = 0; i < input.length; i++) {
            c.append("    ").append(Float.toHexString(input[i])).append('f').append(i + 1 < input.length ? ",\n" : "\n");
        }
        Files.writeString(dir.resolve("input_data.c"), c.append("};\n"));
    }

    private static void runUnderQemu(Path elf, String what) {
        E2E.ProcResult run = E2E.exec(elf.getParent(), QemuRunner.command(MPS2, "qemu-system-arm", elf.toString()));
        assertEquals(0, run.exit(), () -> what + ": " + run.output());
        assertTrue(run.output().contains("done\n"), what + ": " + run.output());
        List<Float> values = new ArrayList<>();
        Matcher m = OUT_LINE.matcher(run.output());
        while (m.find()) {
            assertEquals(values.size(), Integer.parseInt(m.group(1)), what + ": output lines out of order");
            values.add(Float.intBitsToFloat(Integer.parseUnsignedInt(m.group(2), 16)));
        }
        float[] actual = new float[values.size()];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = values.get(i);
        }
        assertMatchesReference(E2E.fixture("lenet"), actual, what);
    }

    private static void assertMatchesReference(E2E.Fixture f, float[] actual, String what) {
        E2E.Comparison c = E2E.compare(E2E.readFloats(f.references().get(0)), actual);
        System.out.println("--target c, " + what + ": " + c.describe("lenet"));
        assertTrue(c.ok(), c.describe(what));
    }
}
