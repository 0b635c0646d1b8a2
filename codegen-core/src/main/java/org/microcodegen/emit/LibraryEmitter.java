package org.microcodegen.emit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model as a C library folder (--target c): its sources and the runtime kernels they call, as for
 * the host, plus a CMakeLists.txt (a static library named after the model) and model.mk (a Makefile
 * fragment), so a vendor project adds the folder to its build as it is. The firmware project keeps the
 * same folder as its {@value #FIRMWARE_FOLDER}/ subfolder, next to its test harness.
 */
public final class LibraryEmitter {
    public static final String CMAKE_FILE = "CMakeLists.txt";
    public static final String MAKE_FRAGMENT = "model.mk";
    /** Where a firmware project keeps the library folder. */
    public static final String FIRMWARE_FOLDER = "model";

    private LibraryEmitter() {
    }

    /** File name -> contents of the library folder. */
    public static Map<String, byte[]> render(CompiledModel model) {
        return CEmitter.render(model, (view, files) -> addBuildFiles(model, view, files));
    }

    /**
     * Several models in one library folder: each model's files (namespaced by its name), the kernels once,
     * the umbrella header models.h (with the shared arena's size under {@link ModelSet#sharedArena}) and
     * the two build files for all of them, whose target and variables are named {@value ModelSet#LIBRARY_NAME}.
     */
    public static Map<String, byte[]> render(ModelSet set) {
        return CEmitter.render(set, (views, files) -> addBuildFiles(set, views, files));
    }

    /**
     * Adds the two build files for the model's sources, which {@code files} holds (and nothing else yet);
     * returns the runtime files they compile for size ({@link ColdFiles}).
     */
    static List<String> addBuildFiles(CompiledModel model, CView.Model m, Map<String, byte[]> files) {
        return addBuildFiles(LibraryView.of(m), ColdFiles.of(List.of(model)), files);
    }

    /** The same for several models' sources, and their umbrella header; returns the library's view. */
    static LibraryView addBuildFiles(ModelSet set, List<CView.Model> views, Map<String, byte[]> files) {
        LibraryView lib = addUmbrella(set, views, files);
        addBuildFiles(lib, ColdFiles.of(set.models()), files);
        return lib;
    }

    /** Several models' sources with their umbrella header but no build files (--target host). */
    public static Map<String, byte[]> renderSources(ModelSet set) {
        return CEmitter.render(set, (views, files) -> addUmbrella(set, views, files));
    }

    /** Adds models.h, which includes every model's header and, for a shared arena, gives its size. */
    private static LibraryView addUmbrella(ModelSet set, List<CView.Model> views, Map<String, byte[]> files) {
        LibraryView lib = LibraryView.of(set, views);
        files.put(lib.headerFile, CEmitter.bytes(CEmitter.template("library.stg", "umbrella", Map.of("lib", lib))));
        return lib;
    }

    private static List<String> addBuildFiles(LibraryView lib, List<String> cold, Map<String, byte[]> files) {
        List<String> sources = files.keySet().stream().filter(name -> name.endsWith(".c")).toList();
        Map<String, Object> attrs = Map.of("lib", lib, "sources", sources, "cold", cold, "share", ColdFiles.SHARE_TEXT);
        files.put(CMAKE_FILE, CEmitter.bytes(CEmitter.template("library.stg", "cmake", attrs)));
        files.put(MAKE_FRAGMENT, CEmitter.bytes(CEmitter.template("library.stg", "makeFragment", attrs)));
        return cold;
    }

    /** Moves every file of {@code files} (the library) into {@code folder}/, keeping their order. */
    static void moveInto(String folder, Map<String, byte[]> files) {
        Map<String, byte[]> moved = new LinkedHashMap<>();
        files.forEach((name, bytes) -> moved.put(folder + "/" + name, bytes));
        files.clear();
        files.putAll(moved);
    }
}
