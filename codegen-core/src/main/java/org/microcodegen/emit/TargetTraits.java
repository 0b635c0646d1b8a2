package org.microcodegen.emit;

/**
 * What the compiled model and the emitters need to know about the target: its name (for comments and the
 * summary) and the arena alignment. The target classes themselves live in the target package, which
 * depends on emit, never the reverse.
 */
public record TargetTraits(String name, int alignment) {
}
