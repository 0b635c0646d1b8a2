package org.microcodegen.ir;

/**
 * What a node computes, with its typed attributes: a canonical op of the ops package (a record such
 * as Conv2D{strides, dilations, padding, groups}). The IR only needs its name; everything else about
 * an op lives in its class.
 */
public interface Operator {
    /** The canonical name, e.g. "Conv2D" or "MaxPool2D": what the op computes, not how a format spells it. */
    String opName();

    /** False for a node the frontend could not translate (it carries the model's op and an error, no canonical op). */
    default boolean isCanonical() {
        return true;
    }
}
