package org.microcodegen;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compiler's stages form a pipeline (../shared/docs/architecture.md): data flows one way, so the
 * graph of stages has no cycles. A stage is a package directly under org.microcodegen with its
 * sub-packages (frontend with frontend.mindir, as the architecture's table lists frontend/FORMAT/;
 * ArchUnit calls these slices, "org.microcodegen.(*).."); the top-level package, which holds the
 * pipeline itself (Compiler), is one more. Edges come from the sources: every reference to another
 * stage, imported or written out in full.
 */
class PackageGraphTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    /** A reference to a class: lower-case package segments, then an upper-case class name. */
    private static final Pattern REFERENCE = Pattern.compile("\\b(org\\.microcodegen(?:\\.[a-z_][a-z0-9_]*)*)\\.[A-Z]");

    @Test
    void theStageGraphHasNoCycles() {
        Map<String, Set<String>> graph = packageGraph(SOURCES);
        assertTrue(graph.getOrDefault("org.microcodegen.target", Set.of()).contains("org.microcodegen.emit"),
                "the scan found no target -> emit edge, so it is not reading the sources: " + graph);
        List<String> cycle = findCycle(graph);
        assertTrue(cycle.isEmpty(), "cycle between stages: " + String.join(" -> ", cycle));
    }

    @Test
    void theCycleFinderFindsACycle() {
        Map<String, Set<String>> graph = new TreeMap<>();
        graph.put("a", Set.of("b"));
        graph.put("b", Set.of("c"));
        graph.put("c", Set.of("a", "d"));
        assertEquals(List.of("a", "b", "c", "a"), findCycle(graph));
        graph.put("c", Set.of("d"));
        assertTrue(findCycle(graph).isEmpty(), "a chain is no cycle");
        assertEquals("org.microcodegen.frontend", stage("org.microcodegen.frontend.mindir.proto"));
        assertEquals("org.microcodegen.emit", stage("org.microcodegen.emit"));
        assertEquals("org.microcodegen", stage("org.microcodegen"));
    }

    static Map<String, Set<String>> packageGraph(Path root) {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String text = Files.readString(file);
                Matcher p = PACKAGE.matcher(text);
                assertTrue(p.find(), file + " has no package declaration");
                String from = stage(p.group(1));
                Set<String> edges = graph.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher r = REFERENCE.matcher(text.substring(p.end()));
                while (r.find()) {
                    String to = stage(r.group(1));
                    if (!to.equals(from)) {
                        edges.add(to);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    /** org.microcodegen.frontend.mindir.proto -> org.microcodegen.frontend; org.microcodegen stays itself. */
    static String stage(String pkg) {
        String root = "org.microcodegen";
        if (pkg.equals(root)) {
            return root;
        }
        int dot = pkg.indexOf('.', root.length() + 1);
        return dot < 0 ? pkg : pkg.substring(0, dot);
    }

    /** A cycle as the packages along it (first = last), or an empty list. */
    static List<String> findCycle(Map<String, Set<String>> graph) {
        Set<String> done = new TreeSet<>();
        for (String start : graph.keySet()) {
            List<String> path = new ArrayList<>();
            List<String> cycle = visit(start, graph, path, done);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        return List.of();
    }

    private static List<String> visit(String node, Map<String, Set<String>> graph, List<String> path, Set<String> done) {
        int at = path.indexOf(node);
        if (at >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
            cycle.add(node);
            return cycle;
        }
        if (done.contains(node)) {
            return List.of();
        }
        path.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            List<String> cycle = visit(next, graph, path, done);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        done.add(node);
        return List.of();
    }
}
