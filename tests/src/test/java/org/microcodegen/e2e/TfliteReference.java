package org.microcodegen.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reference data for TFLite models, computed by LiteRT's reference kernels (BUILTIN_REF), never by our code:
 * {@code tests/fixtures/tflite/<model>/} for the third-party models in {@code ../shared/models/tflite}
 * (written by tools/tflite_references.py) and {@code tests/fixtures/tflite-ops/<case>_<variant>/} for our own
 * single-op models (tools/make_tflite_fixtures.py). Each folder holds a {@code manifest.json} and one folder per
 * sample with {@code input_<i>.bin} and {@code output_<i>.bin}: raw little-endian tensors in their own dtype.
 *
 * <p>{@link #reference()} says which output is the oracle: {@code litert} (the stored outputs, single rounding)
 * or {@code tflm_golden} (TFLM's golden in ../shared, double rounding; the stored outputs are LiteRT's, and
 * each sample records how many elements they differ from the golden).
 *
 * @param name folder name, e.g. {@code person_detect} or {@code mean_int8}
 * @param dir the folder
 * @param model the .tflite file (in ../shared/models when {@link #shared()}, else in {@code dir})
 * @param shared whether the model lives in the sibling ../shared checkout
 * @param reference {@code litert} or {@code tflm_golden}
 * @param ops the builtin ops the model contains
 * @param inputs graph inputs in order
 * @param outputs graph outputs in order
 * @param samples the samples, in manifest order
 * @param manifest the whole parsed manifest, for the per-model extras (covers, variant, operators, note ...)
 */
record TfliteReference(String name, Path dir, Path model, boolean shared, String reference, List<String> ops,
                       List<Tensor> inputs, List<Tensor> outputs, List<Sample> samples, Map<String, Object> manifest) {

    static final String SHARED_MODELS_DIR = "tflite";
    static final String OWN_OPS_DIR = "tflite-ops";

    /** A graph input or output as the manifest describes it; scale and zero point are null when not quantized. */
    record Tensor(String name, DType dtype, List<Integer> shape, Double scale, Long zeroPoint) {
        long elements() {
            return E2E.elements(shape);
        }

        long byteSize() {
            return elements() * dtype.size;
        }

        boolean quantized() {
            return scale != null;
        }
    }

    /** The dtypes the manifests use, with their element size in bytes. */
    enum DType {
        FLOAT32(4), INT8(1), UINT8(1), INT16(2), INT32(4), INT64(8);

        final int size;

        DType(int size) {
            this.size = size;
        }

        static DType of(String manifestName) {
            return valueOf(manifestName.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** One sample: its folder and the manifest entry (name, source and extras such as expected_class, golden). */
    record Sample(String name, Path dir, Map<String, Object> entry) {
        Path input(int i) {
            return dir.resolve("input_" + i + ".bin");
        }

        Path output(int i) {
            return dir.resolve("output_" + i + ".bin");
        }

        byte[] inputBytes(int i) {
            return read(input(i));
        }

        /** LiteRT's output {@code i}: the oracle when the model's reference is {@code litert}. */
        byte[] outputBytes(int i) {
            return read(output(i));
        }

        String source() {
            return (String) entry.get("source");
        }

        Optional<String> string(String key) {
            return Optional.ofNullable((String) entry.get(key));
        }

        Optional<Double> number(String key) {
            return Optional.ofNullable((Number) entry.get(key)).map(Number::doubleValue);
        }

        /** The class the model's authors expect (person_detect, micro_speech). */
        Optional<String> expectedClass() {
            return string("expected_class");
        }

        /** TFLM's golden output, relative to ../shared/models (seanet, network_tester). */
        Optional<String> golden() {
            return string("golden");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Reference data for the models in ../shared/models/tflite (the data is committed; the models are not). */
    static List<TfliteReference> sharedModels() {
        return all(SHARED_MODELS_DIR);
    }

    /** Our own single-op fixtures (model.tflite committed beside the data). */
    static List<TfliteReference> ownOps() {
        return all(OWN_OPS_DIR);
    }

    static List<TfliteReference> all(String folder) {
        Path base = E2E.fixturesDir().resolve(folder);
        try (Stream<Path> s = Files.list(base)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("manifest.json")))
                    .sorted(Comparator.comparing(Path::toString))
                    .map(TfliteReference::load)
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static TfliteReference load(Path dir) {
        Map<String, Object> m = (Map<String, Object>) E2E.Json.parse(readString(dir.resolve("manifest.json")));
        String modelBase = (String) m.get("model_base");
        boolean shared = switch (modelBase) {
            case "shared_models" -> true;
            case "fixture_dir" -> false;
            default -> throw new IllegalArgumentException(dir + ": unknown model_base " + modelBase);
        };
        String modelRel = (String) m.get("model");
        Path model = (shared ? E2E.sharedDir().resolve("models") : dir).resolve(modelRel).normalize();
        List<Sample> samples = new ArrayList<>();
        for (Object o : (List<Object>) m.get("samples")) {
            Map<String, Object> entry = (Map<String, Object>) o;
            samples.add(new Sample((String) entry.get("name"), dir.resolve((String) entry.get("name")), entry));
        }
        return new TfliteReference(dir.getFileName().toString(), dir, model, shared, (String) m.get("reference"),
                (List<String>) (List<?>) m.get("ops"), tensors(m.get("inputs")), tensors(m.get("outputs")),
                List.copyOf(samples), m);
    }

    /** Skips (fails on CI) when the model lives in ../shared and that checkout is missing. */
    void requireModel() {
        if (shared) {
            E2E.requireSharedFile(model);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Tensor> tensors(Object list) {
        List<Tensor> out = new ArrayList<>();
        for (Object o : (List<Object>) list) {
            Map<String, Object> t = (Map<String, Object>) o;
            List<Integer> shape = ((List<Object>) t.get("shape")).stream()
                    .map(d -> ((Number) d).intValue()).collect(Collectors.toList());
            Number scale = (Number) t.get("scale");
            Number zeroPoint = (Number) t.get("zero_point");
            out.add(new Tensor((String) t.get("name"), DType.of((String) t.get("dtype")), List.copyOf(shape),
                    scale == null ? null : scale.doubleValue(), zeroPoint == null ? null : zeroPoint.longValue()));
        }
        return List.copyOf(out);
    }

    /** Element {@code index} of a raw little-endian tensor, widened to double (integers exactly). */
    static double element(byte[] raw, DType dtype, int index) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int at = index * dtype.size;
        return switch (dtype) {
            case FLOAT32 -> b.getFloat(at);
            case INT8 -> b.get(at);
            case UINT8 -> b.get(at) & 0xff;
            case INT16 -> b.getShort(at);
            case INT32 -> b.getInt(at);
            case INT64 -> b.getLong(at);
        };
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
