package org.microcodegen.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.microcodegen.target.Board;
import org.microcodegen.target.ElfSizes;
import org.microcodegen.target.QemuRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several models in one output (issue 15, item 3): LeNet and DS-CNN compiled together, with separate
 * arenas and with one shared arena, must give every model's outputs byte for byte as the model compiled
 * alone does (the same kernels run the same code), and MindSpore's within the fixture tolerance; on the
 * Cortex-M4 under QEMU and on the host. Their symbols are namespaced, the kernels included once, and a
 * model file built with kernels of another compiler version stops the build naming both versions.
 */
class MultiModelTest {
    private static final Board MPS2 = Board.byName("mps2-an386");
    private static final E2E.Fixture LENET = E2E.fixture("lenet");
    private static final E2E.Fixture DSCNN = E2E.fixture("dscnn");
    private static final List<String> STRICT = List.of("-std=c99", "-O2", "-ffp-contract=off", "-Wall", "-Wextra", "-Werror", "-pedantic");

    @TempDir
    Path tmp;

    /** LeNet as "lenet" and DS-CNN as "ds_cnn" into {@code dir}, with {@code extra} options. */
    private static E2E.CliResult compileBoth(Path dir, String... extra) {
        List<String> args = new ArrayList<>(List.of("--model", LENET.model().toString(), "--name", "lenet",
                "--model", DSCNN.model().toString(), "--name", "ds_cnn", "--output", dir.toString()));
        args.addAll(List.of(extra));
        E2E.CliResult r = E2E.cli(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r::toString);
        return r;
    }

    /** One model's outputs from `run` of that model alone (its own build, its own arena). */
    private Map<String, byte[]> alone(String target) {
        byte[] lenet = runAlone(LENET, target);
        byte[] dscnn = runAlone(DSCNN, target);
        return Map.of("lenet", lenet, "ds_cnn", dscnn);
    }

    private byte[] runAlone(E2E.Fixture f, String target) {
        Path out = tmp.resolve(f.name() + "-" + target + "-alone.bin");
        E2E.CliResult r = E2E.cli("run", "--model", f.model().toString(), "--target", target,
                "--input", f.inputs().get(0).toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r::toString);
        try {
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Both models and each one alone agree byte for byte, and with MindSpore within the fixtures' tolerance. */
    private static void assertAsAlone(Map<String, byte[]> alone, byte[] lenet, byte[] dscnn, String where) {
        assertArrayEquals(alone.get("lenet"), lenet, where + ": lenet's outputs differ from lenet compiled alone");
        assertArrayEquals(alone.get("ds_cnn"), dscnn, where + ": ds_cnn's outputs differ from ds_cnn compiled alone");
        assertMindSpore(LENET, lenet, where);
        assertMindSpore(DSCNN, dscnn, where);
    }

    private static void assertMindSpore(E2E.Fixture f, byte[] output, String where) {
        float[] values = new float[output.length / 4];
        java.nio.ByteBuffer.wrap(output).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        E2E.Comparison c = E2E.compare(E2E.readFloats(f.references().get(0)), values);
        assertTrue(c.ok(), c.describe(where + " " + f.name() + " against MindSpore"));
    }

    /**
     * One firmware with both models, separate arenas or one shared, built with its Makefile and run
     * under QEMU on the Cortex-M4: every output equals the model's own firmware's, byte for byte. The
     * main prints the outputs only after both models ran, so with a shared arena this also shows that
     * one model's outputs survive the other's run. Sharing saves exactly LeNet's arena (and its guards).
     */
    @Test
    void bothModelsInOneFirmwareUnderQemuGiveEachModelsOwnOutputs() {
        E2E.requireCortexMTools();
        Map<String, byte[]> alone = alone("cortex-m4");
        long[] bss = new long[2];
        for (boolean shared : new boolean[] {false, true}) {
            Path fw = tmp.resolve(shared ? "fw-shared" : "fw-separate");
            List<String> extra = new ArrayList<>(List.of("--target", "cortex-m4", "--test-input", LENET.inputs().get(0).toString(),
                    "--test-input", DSCNN.inputs().get(0).toString()));
            if (shared) {
                extra.add("--shared-arena");
            }
            compileBoth(fw, extra.toArray(String[]::new));
            Path elf = QemuRunner.build(fw, List.of());
            assertEquals("models.elf", elf.getFileName().toString());
            QemuRunner.Execution e = QemuRunner.execute(elf, MPS2, QemuRunner.RUN_TIMEOUT);
            assertTrue(e.succeeded(), e.failure() + "\n" + e.log());
            assertEquals(2, e.outputs().size(), e.log());
            assertAsAlone(alone, e.outputs().get(0), e.outputs().get(1), shared ? "shared arena" : "separate arenas");
            assertTrue(e.log().contains("mc: lenet instructions ") && e.log().contains("mc: ds_cnn instructions "), e.log());
            bss[shared ? 1 : 0] = ElfSizes.of(elf, QemuRunner.cross() + "size").section(".bss");
        }
        long lenetArena = arenaSize(tmp.resolve("fw-separate/model/lenet.h"), "LENET");
        long dscnnArena = arenaSize(tmp.resolve("fw-separate/model/ds_cnn.h"), "DS_CNN");
        assertTrue(lenetArena < dscnnArena, "the test expects DS-CNN's arena to be the larger");
        assertEquals(dscnnArena, arenaSize(tmp.resolve("fw-shared/model/models.h"), "MODELS"), "the shared arena is the largest model's");
        // the separate build has LeNet's arena besides, rounded up plus one double and two 16-byte guards (main.c)
        assertEquals((lenetArena + 7) / 8 * 8 + 8 + 32, bss[0] - bss[1], "bytes of .bss the shared arena saves");
    }

    private static long arenaSize(Path header, String macro) {
        Matcher m = Pattern.compile("#define " + macro + "_ARENA_SIZE (\\d+)").matcher(E2E.read(header));
        assertTrue(m.find(), header + " has no " + macro + "_ARENA_SIZE");
        return Long.parseLong(m.group(1));
    }

    /**
     * The host folder of both models, built strictly with a program of ours that runs LeNet then DS-CNN
     * (in one arena with --shared-arena, in one each without) and writes both outputs afterwards.
     */
    @ParameterizedTest(name = "shared arena {0}")
    @ValueSource(booleans = {false, true})
    void onTheHostBothModelsGiveEachModelsOwnOutputs(boolean shared) throws IOException {
        E2E.requireCc();
        Path src = tmp.resolve("host");
        if (shared) {
            compileBoth(src, "--target", "host", "--shared-arena");
        } else {
            compileBoth(src, "--target", "host");
        }
        Files.writeString(src.resolve("app.c"), """
                #include <stdio.h>
                #include "models.h"

                #if MODELS_SHARED_ARENA
                static double arena[MODELS_ARENA_DOUBLES];
                #define LENET_ARENA arena
                #define DS_CNN_ARENA arena
                #else
                static double lenet_arena[LENET_ARENA_DOUBLES];
                static double ds_cnn_arena[DS_CNN_ARENA_DOUBLES];
                #define LENET_ARENA lenet_arena
                #define DS_CNN_ARENA ds_cnn_arena
                #endif
                static float lenet_in[LENET_INPUT0_SIZE], lenet_out[LENET_OUTPUT0_SIZE];
                static float ds_cnn_in[DS_CNN_INPUT0_SIZE], ds_cnn_out[DS_CNN_OUTPUT0_SIZE];

                static int io(const char *path, const char *mode, void *data, size_t bytes)
                {
                    FILE *f = fopen(path, mode);
                    size_t done;
                    if (f == NULL) {
                        return 1;
                    }
                    done = mode[0] == 'r' ? fread(data, 1, bytes, f) : fwrite(data, 1, bytes, f);
                    return fclose(f) != 0 || done != bytes;
                }

                int main(int argc, char **argv)
                {
                    if (argc != 5 || io(argv[1], "rb", lenet_in, sizeof lenet_in) || io(argv[2], "rb", ds_cnn_in, sizeof ds_cnn_in)) {
                        return 1;
                    }
                    if (lenet_run(lenet_in, lenet_out, LENET_ARENA) != 0 || ds_cnn_run(ds_cnn_in, ds_cnn_out, DS_CNN_ARENA) != 0) {
                        return 1;
                    }
                    return io(argv[3], "wb", lenet_out, sizeof lenet_out) || io(argv[4], "wb", ds_cnn_out, sizeof ds_cnn_out);
                }
                """);
        List<String> cc = new ArrayList<>(List.of("cc"));
        cc.addAll(STRICT);
        cc.addAll(List.of("-o", "app"));
        cc.addAll(cFiles(src));
        cc.add("-lm");
        E2E.ProcResult built = E2E.exec(src, cc);
        assertEquals(0, built.exit(), built::output);
        E2E.ProcResult ran = E2E.exec(src, List.of("./app", LENET.inputs().get(0).toString(), DSCNN.inputs().get(0).toString(),
                "lenet.bin", "ds_cnn.bin"));
        assertEquals(0, ran.exit(), ran::output);
        assertAsAlone(alone("host"), Files.readAllBytes(src.resolve("lenet.bin")), Files.readAllBytes(src.resolve("ds_cnn.bin")),
                shared ? "host, shared arena" : "host, separate arenas");
    }

    private static List<String> cFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".c")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The library folder: each model's files exactly as when compiled alone (the same bytes), each kernel
     * once, models.h, and build files for all; its model.mk builds it on the host.
     */
    @Test
    void theLibraryHoldsEachModelAsAloneAndTheKernelsOnce() throws IOException {
        Path lib = tmp.resolve("lib");
        compileBoth(lib, "--library");
        Map<String, byte[]> both = E2E.folderContents(lib);
        Set<String> kernels = new TreeSet<>();
        for (E2E.Fixture f : List.of(LENET, DSCNN)) {
            String name = f == LENET ? "lenet" : "ds_cnn";
            Path single = tmp.resolve(name + "-alone");
            assertEquals(0, E2E.cli("--model", f.model().toString(), "--name", name, "--target", "c", "--output", single.toString()).exit());
            Map<String, byte[]> alone = E2E.folderContents(single);
            for (String file : alone.keySet()) {
                if (file.startsWith(name) || file.startsWith("mc_")) {
                    assertArrayEquals(alone.get(file), both.get(file), file + " differs from the model's library alone");
                }
                if (file.startsWith("mc_")) {
                    kernels.add(file);
                }
            }
            assertArrayEquals(alone.get("report.json"), both.get(name + "_report.json"), name + "'s report");
        }
        Set<String> expected = new TreeSet<>(kernels);
        for (String name : List.of("lenet", "ds_cnn")) {
            expected.addAll(List.of(name + ".h", name + ".c", name + "_weights.h", name + "_weights.c", name + "_report.json", name + "_report.html"));
        }
        expected.addAll(List.of("models.h", "CMakeLists.txt", "model.mk", ".micro-codegen-manifest"));
        assertEquals(expected, new TreeSet<>(both.keySet()), "the library's files");
        String cmake = E2E.read(lib.resolve("CMakeLists.txt"));
        assertTrue(cmake.contains("add_library(models STATIC"), cmake);
        for (String c : cFiles(lib)) {
            assertTrue(cmake.contains("    " + c + "\n"), "CMakeLists.txt lacks " + c);
        }
        String models = E2E.read(lib.resolve("models.h"));
        assertTrue(models.contains("#include \"lenet.h\"") && models.contains("#include \"ds_cnn.h\""), models);
        assertTrue(models.contains("#define MODELS_SHARED_ARENA 0") && !models.contains("MODELS_ARENA_SIZE "), models);

        E2E.requireCc();
        Path app = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(app.resolve("app.c"), """
                #include "models.h"

                static double lenet_arena[LENET_ARENA_DOUBLES], ds_cnn_arena[DS_CNN_ARENA_DOUBLES];
                static float lenet_in[LENET_INPUT0_SIZE], lenet_out[LENET_OUTPUT0_SIZE];
                static float ds_cnn_in[DS_CNN_INPUT0_SIZE], ds_cnn_out[DS_CNN_OUTPUT0_SIZE];

                int main(void)
                {
                    return lenet_run(lenet_in, lenet_out, lenet_arena) != 0 || ds_cnn_run(ds_cnn_in, ds_cnn_out, ds_cnn_arena) != 0;
                }
                """);
        Files.writeString(app.resolve("Makefile"), """
                include ../lib/model.mk
                CFLAGS := %s $(MODELS_INC:%%=-I%%)
                app: app.c $(MODELS_SRCS)
                \t$(CC) $(CFLAGS) -o $@ $^ -lm
                """.formatted(String.join(" ", STRICT)));
        E2E.ProcResult made = E2E.exec(app, List.of("make", "--no-print-directory"));
        assertEquals(0, made.exit(), made::output);
        assertEquals(0, E2E.exec(app, List.of("./app")).exit());
    }

    /**
     * Every symbol a model's object files define, global or file-scope (what a link map and a debugger
     * show), starts with the model's name; every global symbol of the kernels (shared by the models)
     * with mc_.
     */
    @Test
    void everySymbolOfAModelCarriesItsName() {
        E2E.requireCc();
        E2E.require(E2E.onPath("nm"), "no nm on PATH");
        Path lib = tmp.resolve("lib");
        compileBoth(lib, "--library");
        List<String> cc = new ArrayList<>(List.of("cc"));
        cc.addAll(STRICT);
        cc.add("-c");
        cc.addAll(cFiles(lib));
        E2E.ProcResult built = E2E.exec(lib, cc);
        assertEquals(0, built.exit(), built::output);
        int checked = 0;
        for (String c : cFiles(lib)) {
            String object = c.replace(".c", ".o");
            boolean kernel = c.startsWith("mc_");
            String prefix = kernel ? "mc_" : c.startsWith("lenet") ? "lenet_" : "ds_cnn_";
            E2E.ProcResult nm = E2E.exec(lib, List.of("nm", "--defined-only", object));
            assertEquals(0, nm.exit(), nm::output);
            for (String line : nm.output().split("\n")) {
                String[] parts = line.trim().split("\\s+");
                boolean global = parts.length == 3 && Character.isUpperCase(parts[1].charAt(0));
                if (parts.length == 3 && !parts[2].startsWith(".") && (global || !kernel)) {
                    assertTrue(parts[2].startsWith(prefix), object + " defines " + parts[2] + " (" + parts[1] + "), not " + prefix + "*");
                    checked++;
                }
            }
        }
        assertTrue(checked > 20, "too few symbols checked: " + checked);
    }

    /**
     * mc_version.h carries the compiler version beside the kernels; a model file and kernels of two
     * versions fail the build with a static assertion naming both, under C99 (a negative array whose
     * name says it) and C11 (_Static_assert), and both build cleanly with -pedantic when they match.
     */
    @Test
    void aModelFileBuiltWithKernelsOfAnotherVersionFailsNamingBoth() throws IOException {
        E2E.requireCc();
        Path lib = tmp.resolve("lib");
        compileBoth(lib, "--library");
        String version = org.microcodegen.emit.Version.VERSION;
        String header = E2E.read(lib.resolve("mc_version.h"));
        assertTrue(header.contains("#define MC_KERNELS_VERSION \"" + version + "\""), header);
        for (String std : List.of("-std=c99", "-std=c11")) {
            E2E.ProcResult ok = E2E.exec(lib, List.of("cc", std, "-Wall", "-Wextra", "-Werror", "-pedantic", "-c", "lenet.c", "ds_cnn.c"));
            assertEquals(0, ok.exit(), std + ": " + ok.output());
        }
        // kernels from "another version": what copying an older compile's mc_* files over these would do
        Files.writeString(lib.resolve("mc_version.h"), header
                .replace("\"" + version + "\"", "\"0.0.9\"")
                .replaceFirst("MC_KERNELS_VERSION_NUMBER \\d+", "MC_KERNELS_VERSION_NUMBER 9")
                .replaceFirst("MC_KERNELS_VERSION_ID \\S+", "MC_KERNELS_VERSION_ID 0_0_9"));
        String id = version.replaceAll("[^A-Za-z0-9]", "_");
        E2E.ProcResult c99 = E2E.exec(lib, List.of("cc", "-std=c99", "-pedantic", "-c", "lenet.c"));
        assertNotEquals(0, c99.exit(), c99.output());
        assertTrue(c99.output().contains("lenet_c_is_from_micro_codegen_" + id + "_but_its_kernels_are_from_0_0_9"), c99.output());
        E2E.ProcResult c11 = E2E.exec(lib, List.of("cc", "-std=c11", "-pedantic", "-c", "ds_cnn.c"));
        assertNotEquals(0, c11.exit(), c11.output());
        assertTrue(c11.output().contains("ds_cnn.c is from micro-codegen " + version + " but the mc_* kernels beside it are from micro-codegen 0.0.9"),
                c11.output());
    }

    /** --library is --target c: the same files, byte for byte. */
    @Test
    void libraryIsTargetC() {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        assertEquals(0, E2E.cli("--model", LENET.model().toString(), "--name", "lenet", "--library", "--output", a.toString()).exit());
        assertEquals(0, E2E.cli("--model", LENET.model().toString(), "--name", "lenet", "--target", "c", "--output", b.toString()).exit());
        Map<String, byte[]> x = E2E.folderContents(a);
        Map<String, byte[]> y = E2E.folderContents(b);
        assertEquals(y.keySet(), x.keySet());
        y.forEach((name, bytes) -> assertArrayEquals(bytes, x.get(name), name));
    }

    /** With several models, --dump-ir writes each model's passes into a folder named after it. */
    @Test
    void dumpIrOfSeveralModelsGoesIntoAFolderEach() {
        Path ir = tmp.resolve("ir");
        compileBoth(tmp.resolve("out"), "--dump-ir", ir.toString());
        assertTrue(Files.isRegularFile(ir.resolve("lenet/00-load.txt")));
        assertTrue(Files.isRegularFile(ir.resolve("ds_cnn/00-load.txt")));
    }

    /** Wrong pairings and names stop before anything is compiled: one line, exit 2, nothing written. */
    @Test
    void badNamesAndPairingsAreRefusedInOneLine() {
        String lenet = LENET.model().toString();
        String dscnn = DSCNN.model().toString();
        Object[][] cases = {
                {new String[] {"--model", lenet, "--model", dscnn, "--name", "a"}, "1 --name for 2 --model"},
                {new String[] {"--model", lenet, "--name", "a", "--model", dscnn, "--name", "a"}, "two models are named a"},
                {new String[] {"--model", lenet, "--model", dscnn}, "two models are named model"},
                {new String[] {"--model", lenet, "--name", "lenet", "--model", dscnn, "--name", "lenet_v2"}, "overlap"},
                {new String[] {"--model", lenet, "--name", "lenet", "--model", dscnn, "--name", "2nd"}, "is not a C identifier"},
                {new String[] {"--model", lenet, "--name", "lenet", "--model", dscnn, "--name", "models"}, "clash with the library's own models.h"},
                {new String[] {"--model", lenet, "--name", "lenet", "--model", dscnn, "--name", "math"}, "shadow the C library"},
                {new String[] {"--model", lenet, "--name", "a", "--model", dscnn, "--name", "b", "--target", "java"}, "--target java takes one --model"},
                {new String[] {"--model", lenet, "--shared-arena"}, "--shared-arena applies to several models"},
                {new String[] {"--model", lenet, "--library", "--target", "host"}, "--library is --target c"},
                {new String[] {"--model", lenet, "--name", "a", "--model", dscnn, "--name", "b", "--target", "cortex-m4",
                        "--test-input", LENET.inputs().get(0).toString()}, "2 inputs together but 1 --test-input"},
        };
        for (Object[] c : cases) {
            Path out = tmp.resolve("out" + Arrays.hashCode((String[]) c[0]));
            List<String> args = new ArrayList<>(List.of((String[]) c[0]));
            args.addAll(List.of("--output", out.toString()));
            String line = E2E.assertCleanFailure(E2E.cli(args.toArray(String[]::new)), String.join(" ", (String[]) c[0]));
            assertTrue(line.contains((String) c[1]), line);
            assertFalse(Files.exists(out), "wrote " + out);
        }
    }

    /** The firmware's main.c names what the README says: which models, which arena. */
    @Test
    void theSharedArenaHeaderSaysTheModelsMustNotRunAtTheSameTime() {
        Path lib = tmp.resolve("lib");
        compileBoth(lib, "--library", "--shared-arena");
        String models = E2E.read(lib.resolve("models.h"));
        assertTrue(models.contains("must not run at the same time"), models);
        assertTrue(models.contains("#define MODELS_SHARED_ARENA 1"), models);
        assertTrue(models.contains("#define MODELS_ARENA_SIZE " + arenaSize(lib.resolve("ds_cnn.h"), "DS_CNN")), models);
        assertTrue(new String(E2E.folderContents(lib).get("lenet.h"), StandardCharsets.UTF_8).contains("must not overlap"));
    }
}
