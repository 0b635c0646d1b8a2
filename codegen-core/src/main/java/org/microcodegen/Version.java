package org.microcodegen;

/** The compiler's version, printed in --version and in every generated file's banner. */
public final class Version {
    public static final String VERSION = "0.1.0";

    private Version() {
    }
}
