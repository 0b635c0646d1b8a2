package org.microcodegen.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * report.json and report.html (issue 15, item 1), checked in a real browser: headless Chromium renders
 * the page of LeNet and MobileNetV2 to a PNG, which must show the arena picture, and its DOM must carry
 * the numbers report.json has (the table row by row, the totals, a box for every buffer alive at the
 * peak). The numbers themselves are checked against references our code did not produce: LeNet-5's MACs
 * and parameter bytes from its architecture, the lower bound recomputed from the buffers' lifetimes, and
 * the plan's boxes never overlapping while alive together.
 */
class ReportTest {
    private static final Pattern ROW = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern CELL = Pattern.compile("<td data-key=\"(\\w+)\"((?:[^>\"]|\"[^\"]*\")*)>(.*?)</td>", Pattern.DOTALL);
    private static final Pattern TITLE = Pattern.compile("title=\"([^\"]*)\"");
    private static final Pattern TOTAL = Pattern.compile("<dd data-key=\"(\\w+)\">(\\d+)</dd>");
    private static final Pattern RECT = Pattern.compile("<rect class=\"buf\"([^>]*)><title>(.*?)</title></rect>", Pattern.DOTALL);
    private static final Pattern ATTRIBUTE = Pattern.compile("([\\w-]+)=\"([^\"]*)\"");

    @TempDir
    Path tmp;

    @Test
    void lenetPageRendersAndShowsTheNumbersOfItsJson() {
        Map<String, Object> json = renderAndCompare("lenet");
        // LeNet-5 by hand: conv 1->6 k5 on 32x32, conv 6->16 k5 on 14x14, dense 400->120->84->10.
        long macs = 6L * 28 * 28 * 25 + 16L * 10 * 10 * 6 * 25 + 400 * 120 + 120 * 84 + 84 * 10;
        long parameters = (6 * 25 + 6) + (16 * 6 * 25 + 16) + (400 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10);
        Map<String, Object> totals = map(json.get("totals"));
        assertEquals(macs, number(totals.get("macs")), "LeNet-5's MACs");
        assertEquals(parameters * 4, number(totals.get("weightBytes")), "LeNet-5's float32 parameters");
    }

    @Test
    void mobilenetV2PageRendersAndShowsTheNumbersOfItsJson() {
        renderAndCompare("mobilenetv2");
    }

    @Test
    void modelTextIsEscapedInTheJsonAndThePage() throws IOException {
        Path model = Files.write(Files.createDirectories(tmp.resolve("m")).resolve("hostile <b>&amp;.mindir"),
                HostileNamesTest.twoOutputModel(HostileNamesTest.HOSTILE).toByteArray());
        Path out = tmp.resolve("out");
        E2E.compile(model, out);
        String raw = Files.readString(out.resolve("report.json"));
        for (char c : raw.toCharArray()) {
            assertFalse((c < 0x20 && c != '\n') || c == '\u2028' || c == '\u2029' || c == 0x7f,
                    "report.json carries a raw control or line-separator character U+" + Integer.toHexString(c));
        }
        Map<String, Object> json = map(E2E.Json.parse(raw));
        List<String> nodes = list(json.get("layers")).stream().map(l -> (String) map(l).get("node")).collect(Collectors.toList());
        // The MindIR frontend names a node after its output.
        for (String node : List.of("g:sum", "g:relu", "g:y", "g:y2")) {
            assertTrue(nodes.contains(node + HostileNamesTest.HOSTILE), "the node name does not survive report.json: " + nodes);
        }

        requireChromium();
        String dom = dumpDom(out.resolve("report.html"));
        assertEquals(list(json.get("layers")).size(), rows(dom).size(), "table rows");
        assertEquals(list(json.get("buffers")).size(), rects(dom).size(), "boxes in the picture");
        // The last layer's scope is the hostile text itself; the file name is in the heading.
        String scope = rows(dom).get(3).get("layerTitle");
        for (String piece : List.of("*/ Mk9Q_c(); /* ??/", "\"q\" '\\ end\\", "\\u0001\\u0000\\u001a", "\u00e9 \ud83d\ude00")) {
            assertTrue(scope != null && scope.contains(piece), "the browser does not show the model's text '" + piece + "' in the layer's title: "
                    + scope);
        }
        Matcher heading = Pattern.compile("<h1>(.*?)</h1>", Pattern.DOTALL).matcher(dom);
        assertTrue(heading.find() && unescape(heading.group(1)).contains("hostile <b>&amp;.mindir"), "the heading shows the file name as text");
    }

    /** Compiles, renders, compares; returns report.json. */
    private Map<String, Object> renderAndCompare(String fixture) {
        Path out = tmp.resolve(fixture);
        E2E.CliResult compiled = E2E.compile(E2E.fixture(fixture).model(), out);
        Map<String, Object> json = map(E2E.Json.parse(E2E.read(out.resolve("report.json"))));
        Map<String, Object> totals = map(json.get("totals"));
        List<Map<String, Object>> layers = list(json.get("layers")).stream().map(ReportTest::map).collect(Collectors.toList());
        List<Map<String, Object>> buffers = list(json.get("buffers")).stream().map(ReportTest::map).collect(Collectors.toList());

        // The JSON against itself and the summary: totals are the layers' sums, as the CLI printed them.
        assertEquals(number(totals.get("macs")), layers.stream().mapToLong(l -> number(l.get("macs"))).sum(), "MACs per layer add up");
        assertEquals(number(totals.get("weightBytes")), layers.stream().mapToLong(l -> number(l.get("weightBytes"))).sum(),
                "weight bytes per layer add up");
        assertTrue(compiled.out().contains(String.format(java.util.Locale.ROOT, "arena    %,d bytes; lower bound %,d bytes",
                number(totals.get("arenaBytes")), number(totals.get("lowerBoundBytes")))), compiled.out());
        checkPlan(totals, layers, buffers);

        requireChromium();
        Path png = tmp.resolve(fixture + ".png");
        chromium(out.resolve("report.html"), "--screenshot=" + png);
        assertTrue(colouredPixels(png) > 2000, fixture + ": the screenshot shows no arena picture (too few coloured pixels)");

        String dom = dumpDom(out.resolve("report.html"));
        Map<String, Long> shown = new HashMap<>();
        for (Matcher m = TOTAL.matcher(dom); m.find(); ) {
            shown.put(m.group(1), Long.parseLong(m.group(2)));
        }
        for (Map.Entry<String, Object> e : totals.entrySet()) {
            assertEquals(number(e.getValue()), shown.get(e.getKey()), fixture + ": total " + e.getKey() + " on the page");
        }
        List<Map<String, String>> rows = rows(dom);
        assertEquals(layers.size(), rows.size(), fixture + ": table rows");
        for (int i = 0; i < rows.size(); i++) {
            Map<String, String> row = rows.get(i);
            Map<String, Object> layer = layers.get(i);
            for (String key : List.of("step", "layer", "op", "modelOp", "macs", "weightBytes")) {
                assertEquals(String.valueOf(layer.get(key)), row.get(key), fixture + " row " + i + ": " + key);
            }
            assertEquals(layer.get("kernel") == null ? "(view: no code)" : layer.get("kernel"), row.get("kernel"), fixture + " row " + i);
            List<Map<String, Object>> outputs = list(layer.get("outputs")).stream().map(ReportTest::map).collect(Collectors.toList());
            for (String key : List.of("storage", "offset", "size", "firstStep", "lastStep")) {
                String expected = outputs.stream().map(o -> o.get(key) == null ? "-" : String.valueOf(o.get(key)))
                        .collect(Collectors.joining(", "));
                assertEquals(expected, row.get(key), fixture + " row " + i + ": " + key);
            }
        }

        // Every buffer alive at the peak has its box, with the JSON's numbers; boxes alive together never overlap.
        long peak = number(totals.get("peakStep"));
        Map<String, Map<String, String>> boxes = new HashMap<>();
        for (Map<String, String> r : rects(dom)) {
            boxes.put(r.get("data-buffer"), r);
        }
        List<double[]> spans = new ArrayList<>();
        for (Map<String, Object> b : buffers) {
            if (number(b.get("firstStep")) > peak || number(b.get("lastStep")) < peak) {
                continue;
            }
            Map<String, String> box = boxes.get((String) b.get("buffer"));
            assertNotNull(box, fixture + ": no box for " + b.get("buffer") + ", alive at the peak step " + peak);
            for (String key : List.of("offset", "size", "firstStep", "lastStep")) {
                String attribute = key.equals("firstStep") ? "data-first" : key.equals("lastStep") ? "data-last" : "data-" + key;
                assertEquals(String.valueOf(b.get(key)), box.get(attribute), fixture + ": box " + b.get("buffer") + " " + key);
            }
            assertTrue(box.get("title").contains(b.get("size") + " bytes") && box.get("title").contains((String) b.get("layer")),
                    fixture + ": the box's title names its layer and bytes: " + box.get("title"));
            if (sharedByLayer(json).getOrDefault((String) b.get("layer"), 0L) > 0 && number(b.get("firstStep")) == peak) {
                continue; // written over its input at this step: the boxes overlap as the plan does
            }
            double y = Double.parseDouble(box.get("y"));
            spans.add(new double[] {y, y + Double.parseDouble(box.get("height"))});
        }
        assertFalse(spans.isEmpty(), fixture + ": nothing alive at the peak");
        spans.sort((a, b) -> Double.compare(a[0], b[0]));
        for (int i = 1; i < spans.size(); i++) {
            // Boxes are at least one pixel high, so a tiny buffer may overlap its neighbour by under a pixel.
            assertTrue(spans.get(i)[0] >= spans.get(i - 1)[1] - 1.0, fixture + ": boxes alive at the peak overlap in the picture");
        }
        return json;
    }

    /**
     * The plan in report.json is a plan: buffers alive together are disjoint, inside the arena, except a
     * layer's output written over the input it reads last (the layer says how many bytes they share: exactly
     * those, with the output below); the layer-by-layer bound is the peak, the lower bound at most that.
     */
    private static void checkPlan(Map<String, Object> totals, List<Map<String, Object>> layers, List<Map<String, Object>> buffers) {
        long arena = number(totals.get("arenaBytes"));
        long alignment = number(totals.get("alignment"));
        Map<String, Long> sharedByLayer = new HashMap<>();
        layers.forEach(l -> sharedByLayer.put((String) l.get("layer"), number(l.get("sharedWithInputBytes"))));
        for (int i = 0; i < buffers.size(); i++) {
            Map<String, Object> a = buffers.get(i);
            assertTrue(number(a.get("offset")) + number(a.get("size")) <= arena, "buffer outside the arena: " + a);
            for (int j = i + 1; j < buffers.size(); j++) {
                Map<String, Object> b = buffers.get(j);
                boolean together = number(a.get("firstStep")) <= number(b.get("lastStep")) && number(b.get("firstStep")) <= number(a.get("lastStep"));
                boolean apart = number(a.get("offset")) + number(a.get("size")) <= number(b.get("offset"))
                        || number(b.get("offset")) + number(b.get("size")) <= number(a.get("offset"));
                assertTrue(!together || apart || writesOver(a, b, sharedByLayer) || writesOver(b, a, sharedByLayer),
                        "buffers alive together overlap: " + a + " and " + b);
            }
        }
        long best = 0;
        long bestStep = 0;
        for (long step = 0; step <= number(totals.get("steps")); step++) {
            long live = 0;
            for (Map<String, Object> b : buffers) {
                if (number(b.get("firstStep")) <= step && step <= number(b.get("lastStep"))) {
                    live += (number(b.get("size")) + alignment - 1) / alignment * alignment;
                }
            }
            if (live > best) {
                best = live;
                bestStep = step;
            }
        }
        assertEquals(best, number(totals.get("layerByLayerBytes")), "the layer-by-layer bound is the most bytes alive at one step");
        assertTrue(number(totals.get("lowerBoundBytes")) <= best && number(totals.get("lowerBoundBytes")) <= arena,
                "the lower bound is at most the layer-by-layer bound and the arena: " + totals);
        assertEquals(bestStep, number(totals.get("peakStep")), "the peak step is the first step with the most bytes alive");
    }

    private static Map<String, Long> sharedByLayer(Map<String, Object> json) {
        Map<String, Long> shared = new HashMap<>();
        for (Object l : list(json.get("layers"))) {
            shared.put((String) map(l).get("layer"), number(map(l).get("sharedWithInputBytes")));
        }
        return shared;
    }

    /** Whether buffer {@code out} is written over {@code in} as its layer reports: at in's last step, from below, sharing its bytes. */
    private static boolean writesOver(Map<String, Object> out, Map<String, Object> in, Map<String, Long> sharedByLayer) {
        long o = number(out.get("offset")), i = number(in.get("offset"));
        long shared = Math.min(o + number(out.get("size")), i + number(in.get("size"))) - Math.max(o, i);
        return number(out.get("firstStep")) == number(in.get("lastStep")) && o < i
                && shared <= sharedByLayer.getOrDefault((String) out.get("layer"), 0L) && shared > 0;
    }

    // ---------------------------------------------------------------- the browser

    private static void requireChromium() {
        E2E.require(E2E.onPath("chromium"), "no chromium on PATH (tools/test installs it with apt-get)");
    }

    /** Runs headless Chromium on {@code page} with {@code mode} (--screenshot=... or --dump-dom); returns its stdout. */
    private String chromium(Path page, String mode) {
        try {
            Path profile = Files.createTempDirectory(tmp, "chromium-profile");
            Path stdout = Files.createTempFile(tmp, "chromium", ".out");
            Path stderr = Files.createTempFile(tmp, "chromium", ".err");
            List<String> command = List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                    "--window-size=1400,2000", mode, page.toUri().toString());
            Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("chromium timed out: " + command);
            }
            assertEquals(0, p.exitValue(), () -> "chromium failed: " + E2E.read(stderr));
            return Files.readString(stdout);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private String dumpDom(Path page) {
        String dom = chromium(page, "--dump-dom");
        assertTrue(dom.contains("<svg id=\"arena\""), "the rendered DOM has no arena picture");
        return dom;
    }

    /** Pixels whose colour is clearly not a grey: only the picture's boxes (and its red bound line) have colour. */
    private static long colouredPixels(Path png) {
        try {
            BufferedImage image = ImageIO.read(png.toFile());
            assertNotNull(image, "not a PNG: " + png);
            long count = 0;
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    int rgb = image.getRGB(x, y);
                    int r = (rgb >> 16) & 0xff;
                    int g = (rgb >> 8) & 0xff;
                    int b = rgb & 0xff;
                    if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 40) {
                        count++;
                    }
                }
            }
            return count;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- reading the DOM

    private static List<Map<String, String>> rows(String dom) {
        int body = dom.indexOf("<tbody>");
        assertTrue(body >= 0, "no table body in the DOM");
        List<Map<String, String>> rows = new ArrayList<>();
        for (Matcher r = ROW.matcher(dom.substring(body, dom.indexOf("</tbody>", body))); r.find(); ) {
            Map<String, String> cells = new HashMap<>();
            for (Matcher c = CELL.matcher(r.group(1)); c.find(); ) {
                cells.put(c.group(1), unescape(c.group(3)));
                Matcher title = TITLE.matcher(c.group(2));
                if (title.find()) {
                    cells.put(c.group(1) + "Title", unescape(title.group(1)));
                }
            }
            rows.add(cells);
        }
        return rows;
    }

    private static List<Map<String, String>> rects(String dom) {
        List<Map<String, String>> rects = new ArrayList<>();
        for (Matcher r = RECT.matcher(dom); r.find(); ) {
            Map<String, String> attributes = new HashMap<>();
            for (Matcher a = ATTRIBUTE.matcher(r.group(1)); a.find(); ) {
                attributes.put(a.group(1), unescape(a.group(2)));
            }
            attributes.put("title", unescape(r.group(2)));
            rects.add(attributes);
        }
        return rects;
    }

    /** The entities a browser's serialisation uses. */
    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&nbsp;", "\u00a0")
                .replace("&amp;", "&");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    private static long number(Object o) {
        return ((Number) o).longValue();
    }
}
