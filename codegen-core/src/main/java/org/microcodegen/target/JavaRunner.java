package org.microcodegen.target;

import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.JavaEmitter;
import org.microcodegen.emit.OutputFolder;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.TensorType;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs a model compiled for the Java target on this JVM: what `micro-codegen run --target java`
 * does. The generated sources (model class and the runtime-micro kernels they call) are compiled
 * in-process with javax.tools at the Java 8 level with every lint warning an error, the very check
 * the generated code promises to pass, then loaded by a class loader that sees only them and the
 * JDK, so the run uses the copied kernels and not the ones inside the compiler's own jar.
 */
public final class JavaRunner {
    /** How the generated sources are compiled: Java 8 language and API, warnings are errors. */
    public static final List<String> JAVAC_OPTIONS = List.of("--release", "8", "-Xlint:all", "-Werror", "-encoding", "UTF-8");

    private JavaRunner() {
    }

    public static void run(CompiledModel model, List<Path> inputs, List<Path> outputs) {
        List<byte[]> data = RunFiles.readInputs(model, inputs, outputs);
        Path work = null;
        try {
            work = Files.createTempDirectory("micro-codegen-java");
            Path src = work.resolve("src");
            Path classes = work.resolve("classes");
            OutputFolder.write(src, JavaEmitter.render(model, JavaEmitter.DEFAULT_PACKAGE));
            build(src, classes);
            List<Object> in = new ArrayList<>();
            for (int i = 0; i < data.size(); i++) {
                in.add(array(model.graph().type(model.graph().inputs().get(i)).dtype(), data.get(i)));
            }
            List<Object> out = new ArrayList<>();
            for (String t : model.graph().outputs()) {
                TensorType type = model.graph().type(t);
                out.add(array(type.dtype(), new byte[Math.toIntExact(type.byteSize())]));
            }
            try (URLClassLoader loader = loader(classes)) {
                Object instance = newModel(loader, JavaEmitter.DEFAULT_PACKAGE + "." + JavaEmitter.className(model.name()));
                invokeRun(instance, in, out);
            }
            List<Path> produced = new ArrayList<>();
            for (int i = 0; i < out.size(); i++) {
                Path p = work.resolve("output" + i + ".bin");
                Files.write(p, bytes(out.get(i)));
                produced.add(p);
            }
            RunFiles.publish(produced, outputs);
        } catch (IOException e) {
            throw new CompileException("java run failed: " + e.getMessage(), e);
        } finally {
            OutputFolder.deleteTree(work);
        }
    }

    /**
     * Compiles every .java file under {@code sourceRoot} into {@code classesDir} and copies the other
     * files (the weights resources) next to the classes. A compile error in generated code is a bug of
     * the compiler, so it is reported as an internal error with javac's first message.
     */
    public static void build(Path sourceRoot, Path classesDir) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new CompileException("this Java runtime has no compiler (javax.tools): run micro-codegen with a JDK, not a JRE");
        }
        Files.createDirectories(classesDir);
        List<Path> sources;
        List<Path> resources;
        try (Stream<Path> s = Files.walk(sourceRoot)) {
            List<Path> all = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
            sources = all.stream().filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
            resources = all.stream().filter(p -> !p.toString().endsWith(".java")).collect(Collectors.toList());
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = new ArrayList<>(JAVAC_OPTIONS);
            options.addAll(List.of("-d", classesDir.toString(), "-implicit:none"));
            boolean ok = javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
            if (!ok || !diagnostics.getDiagnostics().isEmpty()) {
                Diagnostic<? extends JavaFileObject> first = diagnostics.getDiagnostics().isEmpty() ? null : diagnostics.getDiagnostics().get(0);
                throw new IllegalStateException("javac rejected the generated sources: "
                        + (first == null ? "no diagnostic" : first.getSource() + ":" + first.getLineNumber() + ": " + first.getMessage(Locale.ROOT)));
            }
        }
        for (Path r : resources) {
            Path dest = classesDir.resolve(sourceRoot.relativize(r).toString());
            Files.createDirectories(dest.getParent());
            Files.copy(r, dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A loader for built classes that sees nothing of the compiler, only the JDK's platform classes. */
    public static URLClassLoader loader(Path classesDir) {
        try {
            return new URLClassLoader(new URL[] {classesDir.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads (and so initialises: the weights are read here) a generated model class and creates an instance. */
    public static Object newModel(ClassLoader loader, String className) {
        try {
            return Class.forName(className, true, loader).getConstructor().newInstance();
        } catch (ExceptionInInitializerError e) {
            throw new CompileException("loading " + className + " failed: " + e.getCause().getMessage(), e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate " + className + ": " + e, e);
        }
    }

    /** Calls the instance's run(inputs..., outputs...), each a primitive array of the tensor's element type. */
    public static void invokeRun(Object model, List<?> inputs, List<?> outputs) {
        List<Object> args = new ArrayList<>(inputs);
        args.addAll(outputs);
        Class<?>[] types = new Class<?>[args.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = args.get(i).getClass();
        }
        try {
            Method run = model.getClass().getMethod("run", types);
            run.invoke(model, args.toArray());
        } catch (InvocationTargetException e) {
            throw new CompileException("the model failed on the JVM: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no run method with parameters " + java.util.Arrays.toString(types) + ": " + e, e);
        }
    }

    /** A raw little-endian tensor as the Java array of its dtype's element type (the bits unchanged). */
    static Object array(DType dtype, byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        Class<?> type = JavaEmitter.elementType(dtype);
        int n = raw.length / dtype.byteSize();
        if (type == float.class) {
            float[] a = new float[n];
            b.asFloatBuffer().get(a);
            return a;
        } else if (type == double.class) {
            double[] a = new double[n];
            b.asDoubleBuffer().get(a);
            return a;
        } else if (type == byte.class) {
            return raw.clone();
        } else if (type == short.class) {
            short[] a = new short[n];
            b.asShortBuffer().get(a);
            return a;
        } else if (type == int.class) {
            int[] a = new int[n];
            b.asIntBuffer().get(a);
            return a;
        }
        long[] a = new long[n];
        b.asLongBuffer().get(a);
        return a;
    }

    /** The raw little-endian bytes of a Java array made by {@link #array}. */
    static byte[] bytes(Object array) {
        if (array instanceof byte[] a) {
            return a.clone();
        }
        int n = java.lang.reflect.Array.getLength(array);
        int size = array instanceof short[] ? 2 : array instanceof long[] || array instanceof double[] ? 8 : 4;
        ByteBuffer b = ByteBuffer.allocate(n * size).order(ByteOrder.LITTLE_ENDIAN);
        if (array instanceof float[] a) {
            b.asFloatBuffer().put(a);
        } else if (array instanceof double[] a) {
            b.asDoubleBuffer().put(a);
        } else if (array instanceof short[] a) {
            b.asShortBuffer().put(a);
        } else if (array instanceof int[] a) {
            b.asIntBuffer().put(a);
        } else {
            b.asLongBuffer().put((long[]) array);
        }
        return b.array();
    }
}
