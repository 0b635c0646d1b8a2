package org.microcodegen.emit;

/**
 * The compiler's version, printed in --version and in every generated file's banner. In emit, whose
 * banners need it, so that no lower package imports the top-level one (which holds the pipeline).
 * The C output also carries it in mc_version.h beside the kernels, and each model file checks at
 * compile time that the kernels it is built with are of its own version ({@link #number()}).
 */
public final class Version {
    public static final String VERSION = "0.1.0";

    private Version() {
    }

    /** {@link #VERSION} as one number, major * 1000000 + minor * 1000 + patch, which C can compare in a constant expression. */
    public static long number() {
        return number(VERSION);
    }

    static long number(String version) {
        String[] parts = version.split("[^0-9]+", -1);
        long n = 0;
        for (int i = 0; i < 3; i++) {
            n = n * 1000 + (i < parts.length && !parts[i].isEmpty() ? Long.parseLong(parts[i]) : 0);
        }
        return n;
    }

    /** {@link #VERSION} as the tail of a C identifier: "0_1_0". */
    public static String identifier() {
        return VERSION.replaceAll("[^A-Za-z0-9]", "_");
    }
}
