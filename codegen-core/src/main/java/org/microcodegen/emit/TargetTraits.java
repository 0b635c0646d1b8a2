package org.microcodegen.emit;

import org.microcodegen.lower.KernelRegistry;

/**
 * What the compiled model and the emitters need to know about the target: its name (for comments and the
 * summary), the arena alignment and its kernel registry (which kernel each node calls, and its names). The target classes themselves live in the target package, which
 * depends on emit, never the reverse.
 */
public record TargetTraits(String name, int alignment, KernelRegistry kernels) {
}
