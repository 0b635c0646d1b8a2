package org.microcodegen.target;

import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.ModelSet;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Graph;
import org.microcodegen.lower.RowBands;
import org.microcodegen.plan.Align;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Refuses, at compile time, a model that cannot fit the board, with the numbers that decide it. RAM is
 * known exactly before linking (stack + arena + output buffers; weights and inputs are const, in
 * flash). Flash is checked for what is known (weights and the embedded test input); code comes on
 * top, and the linker script's own region check catches the last few kilobytes.
 */
public final class FitCheck {
    private FitCheck() {
    }

    public static void check(CompiledModel model, Board board, long testInputBytes) {
        RowBands.Decision bands = model.rowBands();
        String hint = bands != null && bands.rule() == RowBands.Rule.NEITHER_FITS
                ? " (in row bands its arena would be " + size(bands.arenaAfter()) + ", not enough either)" : "";
        check(model.name(), Align.up(model.arenaBytes(), 8), outputBytes(model), model.weightBytes(), board, testInputBytes, hint);
    }

    /** The same for several models in one firmware: their arenas (one shared, or one each), outputs and weights. */
    public static void check(ModelSet set, Board board, long testInputBytes) {
        check(set.names(), set.arenaBytes(), outputBytes(set), set.weightBytes(), board, testInputBytes, "");
    }

    /**
     * Whether one model with an arena of {@code arenaBytes} fits {@code board}'s RAM by the same figure
     * {@link #check} refuses by (what `--row-bands auto` decides with, before the model is compiled).
     */
    public static boolean fitsRam(long arenaBytes, Graph graph, Board board) {
        return ram(Align.up(arenaBytes, 8), outputBytes(graph), board) <= board.ramSize();
    }

    private static long ram(long arena, long outputs, Board board) {
        return board.stackSize() + arena + outputs;
    }

    private static void check(String name, long arena, long outputs, long weightBytes, Board board, long testInputBytes, String ramHint) {
        long ram = ram(arena, outputs, board);
        long flash = weightBytes + testInputBytes;
        List<String> problems = new ArrayList<>();
        if (ram > board.ramSize()) {
            problems.add(String.format(Locale.ROOT, "needs %s RAM (arena %s + outputs %s + stack %s), %s has %s",
                    size(ram), size(arena), size(outputs), size(board.stackSize()), board.name(), size(board.ramSize())) + ramHint);
        }
        if (flash > board.flashSize()) {
            problems.add(String.format(Locale.ROOT, "needs more than %s flash (weights %s + test input %s, before code), %s has %s",
                    size(flash), size(weightBytes), size(testInputBytes), board.name(), size(board.flashSize())));
        }
        if (!problems.isEmpty()) {
            throw new CompileException(name + " " + String.join("; and it ", problems));
        }
    }

    /** The numbers of a model that fits, for the compile summary. */
    public static String describe(CompiledModel model, Board board, long testInputBytes) {
        return describe(Align.up(model.arenaBytes(), 8), outputBytes(model), model.weightBytes(), "arena", board, testInputBytes);
    }

    /** The same for several models. */
    public static String describe(ModelSet set, Board board, long testInputBytes) {
        return describe(set.arenaBytes(), outputBytes(set), set.weightBytes(), set.sharedArena() ? "shared arena" : "arenas", board, testInputBytes);
    }

    private static String describe(long arena, long outputs, long weightBytes, String arenas, Board board, long testInputBytes) {
        long ram = ram(arena, outputs, board);
        return String.format(Locale.ROOT, "%s: RAM %s of %s (%s, outputs, stack), flash %s of %s before code (weights, test input)",
                board.name(), size(ram), size(board.ramSize()), arenas, size(weightBytes + testInputBytes), size(board.flashSize()));
    }

    private static long outputBytes(ModelSet set) {
        return set.models().stream().mapToLong(FitCheck::outputBytes).sum();
    }

    private static long outputBytes(CompiledModel model) {
        return outputBytes(model.graph());
    }

    private static long outputBytes(Graph graph) {
        long outputs = 0;
        for (String t : graph.outputs()) {
            outputs += Align.up(graph.type(t).byteSize(), 8);
        }
        return outputs;
    }

    /** Bytes, in KiB with one decimal when at least 1 KiB. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double kib = bytes / 1024.0;
        return kib == Math.rint(kib) ? String.format(Locale.ROOT, "%d KiB", (long) kib) : String.format(Locale.ROOT, "%.1f KiB", kib);
    }
}
