package org.microcodegen.ir;

/**
 * A problem with the user's model or options: the compiler stops and the CLI prints the message as
 * one line and exits with status 2. Messages name the file, node and op so the user can act on them.
 * Internal bugs are ordinary runtime exceptions instead, so the two are never confused. Messages
 * quote text from untrusted model files, so control characters in them are escaped here, once for all.
 */
public class CompileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CompileException(String message) {
        super(Printable.escape(message));
    }

    public CompileException(String message, Throwable cause) {
        super(Printable.escape(message), cause);
    }
}
