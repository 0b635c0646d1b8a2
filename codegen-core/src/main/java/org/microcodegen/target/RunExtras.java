package org.microcodegen.target;

import java.nio.file.Path;

/**
 * What `run` does besides one inference: {@code dumpTensors} a folder for every layer's tensors
 * (`--dump-tensors`), {@code profile} instructions per layer on a Cortex-M target (`--profile`),
 * {@code report} a file for report.json (with the profile when there is one). Each null/false when not asked.
 */
public record RunExtras(Path dumpTensors, boolean profile, Path report) {
    public static final RunExtras NONE = new RunExtras(null, false, null);
}
