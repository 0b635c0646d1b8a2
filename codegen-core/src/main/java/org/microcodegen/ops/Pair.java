package org.microcodegen.ops;

/** A (height, width) pair: strides, dilations or a window size. */
public record Pair(int h, int w) {
    public static Pair of(int both) {
        return new Pair(both, both);
    }

    @Override
    public String toString() {
        return h + "x" + w;
    }
}
