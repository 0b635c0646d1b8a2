package org.microcodegen.target;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line's target-specific options; null when not given. Each target accepts some of them
 * ({@link Target#options()}).
 *
 * @param ram   {@code --ram} in bytes: replaces the board's RAM size (fit check and linker script)
 * @param flash {@code --flash} in bytes: replaces the board's flash size
 */
public record TargetOptions(String board, Path boardFile, Long ram, Long flash, List<Path> testInputs, String javaPackage) {
    public static final String BOARD = "--board";
    public static final String BOARD_FILE = "--board-file";
    public static final String RAM = "--ram";
    public static final String FLASH = "--flash";
    public static final String TEST_INPUT = "--test-input";
    public static final String PACKAGE = "--package";
    public static final TargetOptions NONE = new TargetOptions(null, null, null, null, null, null);

    /** The names of the options given. */
    public List<String> given() {
        List<String> given = new ArrayList<>();
        add(given, BOARD, board);
        add(given, BOARD_FILE, boardFile);
        add(given, RAM, ram);
        add(given, FLASH, flash);
        add(given, TEST_INPUT, testInputs);
        add(given, PACKAGE, javaPackage);
        return given;
    }

    private static void add(List<String> given, String name, Object value) {
        if (value != null) {
            given.add(name);
        }
    }
}
