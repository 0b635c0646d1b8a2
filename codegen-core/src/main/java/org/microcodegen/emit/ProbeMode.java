package org.microcodegen.emit;

/** What a build does with the tensors of every layer: nothing (the product), print them, or time the layers. */
public enum ProbeMode {
    NONE, DUMP, PROFILE
}
