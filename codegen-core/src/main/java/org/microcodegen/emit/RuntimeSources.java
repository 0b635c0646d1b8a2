package org.microcodegen.emit;

import java.io.IOException;
import java.io.InputStream;

/** runtime-micro's kernel sources, packaged into the compiler so that each target's output can ship the ones it calls. */
final class RuntimeSources {
    private RuntimeSources() {
    }

    /** The class-path resource {@code path}, e.g. "/microcodegen/runtime/c/mc_conv2d.c". */
    static byte[] read(String path) {
        try (InputStream in = RuntimeSources.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("runtime-micro file " + path + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read runtime file " + path, e);
        }
    }
}
