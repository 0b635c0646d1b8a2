package org.microcodegen.e2e;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.target.Board;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Row-band execution of person_detect's first layers (MobileNet v1: the 48x48 tensors computed a band of rows at a
 * time), proved by running it with {@code --row-bands on}: the compile must choose bands (report.json, so the runs
 * below cannot pass on a layer-by-layer plan), its outputs must equal LiteRT's byte for byte on the host and on the
 * Cortex-M4 under QEMU for every sample, every tensor from the chain's output on must equal the layer-by-layer build's
 * ({@code --row-bands off}), and every band layer must run the kernel its whole layer runs. By default ({@code auto})
 * bands are taken only when the model does not fit the board's RAM without them: on a board with RAM enough the
 * summary names the saving instead; with {@code --ram} too small for the layer-by-layer arena the compile bands by
 * itself and still equals LiteRT. DS-CNN (kws_ref_model), whose bands would save 6% of the arena for 82% more MACs,
 * must be left whole and say why.
 */
class RowBandsTest {
    private static final String[] ON = {"--row-bands", "on"};
    private static final String[] OFF = {"--row-bands", "off"};

    @TempDir
    Path tmp;

    private static TfliteReference model(String name) {
        TfliteReference ref = TfliteReference.sharedModels().stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " is missing from tests/fixtures/tflite"));
        ref.requireModel();
        return ref;
    }

    @TestFactory
    Stream<DynamicTest> personDetectInBandsMatchesLiteRt() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String target : List.of("host", "cortex-m4")) {
            tests.add(DynamicTest.dynamicTest(target, () -> {
                if (target.equals("host")) {
                    E2E.requireCc();
                } else {
                    E2E.requireCortexMTools();
                }
                TfliteReference ref = model("person_detect");
                Path work = Files.createDirectories(tmp.resolve(target));
                Map<String, Object> bands = rowBands(compileReport(ref, work.resolve("compiled"), target, ON));
                assertEquals(Boolean.TRUE, bands.get("fused"), "person_detect's first layers must run in bands: " + bands);
                assertEquals("asked", bands.get("rule"));
                System.out.println(TfliteConformanceTest.check(ref, target, true, work, List.of(ON)));
            }));
        }
        return tests.stream();
    }

    @Test
    void everyTensorFromTheChainOnEqualsTheLayerByLayerBuild() throws IOException {
        E2E.requireCc();
        TfliteReference ref = model("person_detect");
        for (TfliteReference.Sample s : ref.samples()) {
            Path banded = tmp.resolve(s.name() + "_bands");
            Path whole = tmp.resolve(s.name() + "_whole");
            run(ref, s, banded, ON);
            run(ref, s, whole, OFF);
            assertArrayEquals(Files.readAllBytes(whole.resolve("out.bin")), Files.readAllBytes(banded.resolve("out.bin")));
            Map<String, Path> wholeTensors = dumpedByTensor(whole.resolve("dump"));
            Map<String, Path> bandTensors = dumpedByTensor(banded.resolve("dump"));
            int compared = 0;
            for (Map.Entry<String, Path> e : bandTensors.entrySet()) {
                Path other = wholeTensors.get(e.getKey());
                if (other != null) {
                    assertArrayEquals(Files.readAllBytes(other), Files.readAllBytes(e.getValue()), "tensor " + e.getKey() + " of " + s.name());
                    compared++;
                }
            }
            // the chain's output (joined from its bands) and every layer after it: 31 layers less the fused ones
            assertTrue(compared >= 20, "only " + compared + " tensors in common: " + bandTensors.keySet());
        }
    }

    @Test
    void bandLayersRunTheKernelsOfTheirWholeLayers() throws IOException {
        TfliteReference ref = model("person_detect");
        Map<String, Object> banded = compileReport(ref, tmp.resolve("bands"), "cortex-m4", ON);
        Map<String, Object> whole = compileReport(ref, tmp.resolve("whole"), "cortex-m4", OFF);
        Map<String, Object> wholeKernels = new HashMap<>();
        for (Object o : E2E.Json.array(whole.get("layers"))) {
            Map<String, Object> l = E2E.Json.object(o);
            wholeKernels.put((String) l.get("layer"), l.get("kernel"));
        }
        int bandLayers = 0;
        for (Object o : E2E.Json.array(banded.get("layers"))) {
            Map<String, Object> l = E2E.Json.object(o);
            String name = (String) l.get("layer");
            if (name.matches(".*_band\\d+(_.*)?") && l.get("kernel") != null) {
                String wholeName = name.replaceAll("_band\\d+", "");
                assertTrue(wholeKernels.containsKey(wholeName), name + " has no whole layer " + wholeName);
                assertEquals(wholeKernels.get(wholeName), l.get("kernel"), name);
                bandLayers++;
            }
        }
        Map<String, Object> bands = rowBands(banded);
        long fused = E2E.Json.array(bands.get("layers")).size();
        assertEquals(fused * ((Number) bands.get("bands")).longValue(), bandLayers);
        assertTrue(((Number) bands.get("arenaBytesInBands")).longValue() < ((Number) bands.get("arenaBytesLayerByLayer")).longValue());
        assertEquals(((Number) E2E.Json.object(banded.get("totals")).get("arenaBytes")).longValue(),
                ((Number) bands.get("arenaBytesInBands")).longValue());
        assertEquals(((Number) E2E.Json.object(whole.get("totals")).get("arenaBytes")).longValue(),
                ((Number) bands.get("arenaBytesLayerByLayer")).longValue());
    }

    /**
     * The bands of a layer compute with its weights and requantization tables: the banded C source declares each
     * table once, as many as the layer-by-layer source, and no two parameter structs of the same values.
     */
    @Test
    void bandsShareTheirLayersTablesAndEqualParameterStructs() throws IOException {
        TfliteReference ref = model("person_detect");
        compileReport(ref, tmp.resolve("bands"), "host", ON);
        compileReport(ref, tmp.resolve("whole"), "host", OFF);
        Map<String, List<String>> bandTables = declarations(tmp.resolve("bands/person_detect.c"), TABLE);
        Map<String, List<String>> wholeTables = declarations(tmp.resolve("whole/person_detect.c"), TABLE);
        bandTables.forEach((content, idents) -> assertEquals(1, idents.size(), "tables of equal values: " + idents));
        assertEquals(wholeTables.keySet(), bandTables.keySet(), "the banded source's tables are the layer-by-layer source's");
        declarations(tmp.resolve("bands/person_detect.c"), STRUCT)
                .forEach((content, idents) -> assertEquals(1, idents.size(), "parameter structs of equal values: " + idents));
    }

    /** {@code static const int32_t name[8] = { ... };}: group 1 the type, 2 the identifier, 3 the values. */
    private static final Pattern TABLE = Pattern.compile("static const (\\w+) (\\w+)\\[\\d+\\] = \\{([^}]*)\\};");
    /** {@code static const mc_conv2d_params name = { .field = value, ... };}. */
    private static final Pattern STRUCT = Pattern.compile("static const (mc_\\w+) (\\w+) = \\{([^}]*)\\};");

    /** The identifiers {@code declaration} declares in {@code source}, by type and content. */
    private static Map<String, List<String>> declarations(Path source, Pattern declaration) throws IOException {
        Map<String, List<String>> byContent = new HashMap<>();
        Matcher m = declaration.matcher(Files.readString(source));
        while (m.find()) {
            byContent.computeIfAbsent(m.group(1) + " " + m.group(3).replaceAll("\\s+", " "), k -> new ArrayList<>()).add(m.group(2));
        }
        assertFalse(byContent.isEmpty(), "no declarations in " + source);
        return byContent;
    }

    @Test
    void dsCnnStaysWholeAndSaysWhy() throws IOException {
        TfliteReference ref = model("kws_ref_model");
        Path out = tmp.resolve("kws");
        E2E.CliResult r = E2E.cli("--model", ref.model().toString(), "--output", out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("bands    not used:"), r.out());
        Map<String, Object> bands = rowBands(E2E.Json.object(E2E.Json.parse(Files.readString(out.resolve("report.json")))));
        assertEquals(Boolean.FALSE, bands.get("fused"));
        assertEquals("no-saving", bands.get("rule"));
        assertFalse(bands.containsKey("layers"));
        E2E.CliResult off = E2E.cli("--model", ref.model().toString(), "--row-bands", "off", "--output", tmp.resolve("kws_off").toString());
        assertEquals(0, off.exit(), off::toString);
        assertFalse(off.out().contains("bands "), off.out());
        Map<String, Object> offReport = E2E.Json.object(E2E.Json.parse(Files.readString(tmp.resolve("kws_off/report.json"))));
        assertEquals(E2E.Json.object(offReport.get("totals")).get("arenaBytes"), bands.get("arenaBytesLayerByLayer"));
        assertFalse(offReport.containsKey("rowBands"));
    }

    @Test
    void byDefaultABoardWithRamEnoughGetsTheFasterPlanAndTheSummaryNamesTheSaving() throws IOException {
        TfliteReference ref = model("person_detect");
        Path out = tmp.resolve("auto");
        E2E.CliResult r = E2E.cli("--model", ref.model().toString(), "--target", "cortex-m4", "--output", out.toString());
        assertEquals(0, r.exit(), r::toString);
        Map<String, Object> bands = rowBands(E2E.Json.object(E2E.Json.parse(Files.readString(out.resolve("model/report.json")))));
        assertEquals(Boolean.FALSE, bands.get("fused"), bands::toString);
        assertEquals("fits", bands.get("rule"));
        long before = number(bands, "arenaBytesLayerByLayer");
        long after = number(bands, "arenaBytesInBands");
        assertTrue(after < before, bands::toString);
        assertTrue(number(bands, "recomputedMacs") > 0, bands::toString);
        assertTrue(r.out().contains(String.format(Locale.ROOT, "bands    not used: arena %,d B fits the board's RAM; --row-bands on: %,d B for +%,d",
                before, after, number(bands, "recomputedMacs"))), r.out());
    }

    @Test
    void aBoardTooSmallForTheLayerByLayerArenaGetsBandsByItselfAndStillEqualsLiteRt() throws IOException {
        TfliteReference ref = model("person_detect");
        Map<String, Object> asked = rowBands(compileReport(ref, tmp.resolve("on"), "cortex-m4", ON));
        long before = number(asked, "arenaBytesLayerByLayer");
        long after = number(asked, "arenaBytesInBands");
        // halfway between the banded and the layer-by-layer arena, on top of the board's stack (the model's outputs are a few bytes)
        long ram = Board.byName("mps2-an386").stackSize() + (before + after) / 2;
        String[] small = {"--ram", Long.toString(ram)};
        Path out = tmp.resolve("small");
        E2E.CliResult r = E2E.cli("--model", ref.model().toString(), "--target", "cortex-m4", small[0], small[1], "--output", out.toString());
        assertEquals(0, r.exit(), r::toString);
        Map<String, Object> bands = rowBands(E2E.Json.object(E2E.Json.parse(Files.readString(out.resolve("model/report.json")))));
        assertEquals(Boolean.TRUE, bands.get("fused"), bands::toString);
        assertEquals("needed", bands.get("rule"));
        assertEquals(after, number(bands, "arenaBytesInBands"));
        assertTrue(r.out().contains(String.format(Locale.ROOT, "bands    used: arena %,d B does not fit the board's RAM without", before)), r.out());

        String refused = E2E.assertCleanFailure(E2E.cli("--model", ref.model().toString(), "--target", "cortex-m4", small[0], small[1],
                OFF[0], OFF[1], "--output", tmp.resolve("off").toString()), "--row-bands off on a board too small");
        assertTrue(refused.contains("RAM"), refused);
        assertFalse(Files.exists(tmp.resolve("off")), "nothing written on failure");
        String tooSmall = E2E.assertCleanFailure(E2E.cli("--model", ref.model().toString(), "--target", "cortex-m4", "--ram",
                Long.toString(after), "--output", tmp.resolve("tiny").toString()), "a board too small even for the bands");
        assertTrue(tooSmall.contains("in row bands its arena would be"), tooSmall);

        E2E.requireCortexMTools();
        System.out.println(TfliteConformanceTest.check(ref, "cortex-m4", false, Files.createDirectories(tmp.resolve("run")), List.of(small)));
    }

    @Test
    void anUnknownRowBandsValueIsOneLineAndExit2() {
        String line = E2E.assertCleanFailure(E2E.cli("--model", model("person_detect").model().toString(), "--row-bands", "sometimes",
                "--output", tmp.resolve("x").toString()), "--row-bands sometimes");
        assertTrue(line.contains("--row-bands 'sometimes'") && line.contains("auto, on or off"), line);
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    private static long number(Map<String, Object> json, String key) {
        return ((Number) json.get(key)).longValue();
    }

    private static Map<String, Object> compileReport(TfliteReference ref, Path out, String target, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--model", ref.model().toString(), "--target", target, "--output", out.toString()));
        args.addAll(List.of(extra));
        E2E.CliResult r = E2E.cli(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r::toString);
        Path report = target.equals("host") ? out.resolve("report.json") : out.resolve("model/report.json");
        return E2E.Json.object(E2E.Json.parse(Files.readString(report)));
    }

    private static Map<String, Object> rowBands(Map<String, Object> report) {
        assertTrue(report.containsKey("rowBands"), "report.json has no rowBands");
        return E2E.Json.object(report.get("rowBands"));
    }

    private static void run(TfliteReference ref, TfliteReference.Sample s, Path dir, String... extra) throws IOException {
        Files.createDirectories(dir);
        List<String> args = new ArrayList<>(List.of("run", "--model", ref.model().toString(), "--input", s.input(0).toString(),
                "--out", dir.resolve("out.bin").toString(), "--dump-tensors", dir.resolve("dump").toString()));
        args.addAll(List.of(extra));
        E2E.CliResult r = E2E.cli(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r::toString);
    }

    /** The dumped files by the model's tensor name (index.txt's last column). */
    private static Map<String, Path> dumpedByTensor(Path dump) throws IOException {
        Map<String, Path> files = new HashMap<>();
        for (String line : Files.readAllLines(dump.resolve("index.txt"))) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] cols = line.split("\t");
            files.put(cols[cols.length - 1], dump.resolve(cols[0]));
        }
        return files;
    }
}
