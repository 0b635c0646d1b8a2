package org.microcodegen.emit;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Readable, unique C identifiers. Layer names come from MindSpore's scope paths, so the code an
 * engineer reads says "conv1" and "features_3_conv_1" rather than node numbers.
 */
final class CNames {
    private static final Set<String> RESERVED = Set.of(
            "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
            "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
            "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
            "volatile", "while", "arena", "mem", "main", "_Bool", "_Complex", "_Imaginary",
            // Type names the generated code spells (int32_t in array literals): a parameter of that name would hide them.
            "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t", "size_t", "ptrdiff_t",
            "intptr_t", "uintptr_t", "wchar_t");

    private final Set<String> used = new HashSet<>();
    /** The output language's own reserved words besides C's (Java's keywords and literals for the Java target). */
    private final Set<String> languageReserved;

    CNames() {
        this(Set.of());
    }

    CNames(Set<String> languageReserved) {
        this.languageReserved = Set.copyOf(languageReserved);
    }
    /** Per base name, the first suffix not yet tried: a thousand layers called "relu" cost a thousand probes, not half a million. */
    private final Map<String, Integer> nextSuffix = new HashMap<>();

    /** Turns arbitrary text into a C identifier: lower case, [a-z0-9_], not starting with a digit. */
    static String sanitize(String text) {
        StringBuilder sb = new StringBuilder();
        String lower = text.toLowerCase(Locale.ROOT);
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (ok) {
                sb.append(c);
            } else if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '_') {
                sb.append('_');
            }
        }
        while (sb.length() > 0 && sb.charAt(sb.length() - 1) == '_') {
            sb.setLength(sb.length() - 1);
        }
        if (sb.length() == 0 || Character.isDigit(sb.charAt(0))) {
            sb.insert(0, 't');
        }
        if (sb.length() > 48) {
            sb.setLength(48);
        }
        return sb.toString();
    }

    /**
     * The module path of a scope such as "Default/features-SequentialCell/1-InvertedResidual/conv-SequentialCell/0-Conv2d/Conv2D-op12":
     * each part up to its '-', without "Default" and the op itself: "features_1_conv_0". Empty for ops
     * called at the top level.
     */
    static String modulePath(String scope) {
        String[] parts = scope.split("/");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            String p = parts[i];
            if (i == 0 && p.equals("Default")) {
                continue;
            }
            int dash = p.indexOf('-');
            String module = dash > 0 ? p.substring(0, dash) : p;
            if (sb.length() > 0) {
                sb.append('_');
            }
            sb.append(module);
        }
        return sb.length() == 0 ? "" : sanitize(sb.toString());
    }

    /**
     * A unique layer name: the module path when this is the first op of that module ("conv1"), else
     * the module path plus the op ("conv1_biasadd"), so the code reads like the network's definition.
     */
    String layer(String scope, String opType) {
        String module = modulePath(scope);
        String op = opType.toLowerCase(java.util.Locale.ROOT);
        if (!module.isEmpty() && !used.contains(module) && !RESERVED.contains(module)) {
            return unique(module);
        }
        return unique(module.isEmpty() ? op : module + "_" + op);
    }

    /** Reserves a unique identifier based on {@code base}, appending _2, _3... on clashes. */
    String unique(String base) {
        String b = sanitize(base);
        if (RESERVED.contains(b) || languageReserved.contains(b) || b.startsWith("mc_")) {
            b = b + "_";
        }
        if (used.add(b)) {
            return b;
        }
        // Suffixes below nextSuffix are taken (names are never released), so the first free one is the
        // one probing from _2 would find, and no name is probed twice.
        int i = nextSuffix.getOrDefault(b, 2);
        while (!used.add(b + "_" + i)) {
            i++;
        }
        nextSuffix.put(b, i + 1);
        return b + "_" + i;
    }
}
