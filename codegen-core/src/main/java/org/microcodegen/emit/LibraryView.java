package org.microcodegen.emit;

import java.util.List;
import java.util.Locale;

/**
 * What templates-c/.../library.stg needs to name a library folder's build files and umbrella header:
 * one model's (its name, header and run function), or several models' under {@value ModelSet#LIBRARY_NAME}.
 * Public fields, like CView, because StringTemplate reads fields.
 */
public final class LibraryView {
    public String name;
    public String macro;
    public String version;
    /** The model files it comes from, for the banner (model text: a comment only). */
    public String source;
    /** The header a firmware includes. */
    public String headerFile;
    /** "The lenet model", "The 2 models lenet, ds_cnn", for the build files' comments. */
    public String what;
    /** "lenet_run", "lenet_run, ds_cnn_run". */
    public String runFunctions;
    /** Several models: each one's header, and the arena they share (when they do). */
    public List<String> headers;
    public boolean shared;
    public long arenaSize;
    public int alignment;

    public long getArenaDoubles() {
        return Math.max(1, (arenaSize + 7) / 8);
    }

    static LibraryView of(CView.Model m) {
        LibraryView v = new LibraryView();
        v.name = m.name;
        v.macro = m.macro;
        v.version = m.version;
        v.source = m.source;
        v.headerFile = m.headerFile;
        v.what = "The " + m.name + " model";
        v.runFunctions = m.name + "_run";
        v.headers = List.of(m.headerFile);
        return v;
    }

    static LibraryView of(ModelSet set, List<CView.Model> views) {
        LibraryView v = new LibraryView();
        v.name = ModelSet.LIBRARY_NAME;
        v.macro = v.name.toUpperCase(Locale.ROOT);
        v.version = Version.VERSION;
        v.source = String.join(", ", views.stream().map(m -> m.source + " (" + m.name + ")").toList());
        v.headerFile = v.name + ".h";
        v.what = "The " + views.size() + " models " + set.names();
        v.runFunctions = String.join(", ", views.stream().map(m -> m.name + "_run").toList());
        v.headers = views.stream().map(m -> m.headerFile).toList();
        v.shared = set.sharedArena();
        v.arenaSize = set.sharedArenaBytes();
        v.alignment = set.alignment();
        return v;
    }
}
