package org.microcodegen.emit;

/**
 * The compiler's version, printed in --version and in every generated file's banner. In emit, whose
 * banners need it, so that no lower package imports the top-level one (which holds the pipeline).
 */
public final class Version {
    public static final String VERSION = "0.1.0";

    private Version() {
    }
}
