package org.microcodegen.ir;

/**
 * A bad value found by an IR helper (a shape, an axis, an attribute, constant data) that does not know
 * which node or file it belongs to. Whoever does know (shape inference for an op, the frontend for a
 * model file) catches it and rethrows a {@link CompileException} that names them, so the user never
 * sees "axis 9 is out of range" without the place.
 */
public class ValueException extends CompileException {
    private static final long serialVersionUID = 1L;

    public ValueException(String message) {
        super(message);
    }
}
