package org.microcodegen.ptq;

import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;
import org.microcodegen.lower.JavaKernels;
import org.microcodegen.lower.Kernel;
import org.microcodegen.lower.KernelCall;
import org.microcodegen.lower.KernelRegistry;
import org.microcodegen.lower.Lowerer;
import org.microcodegen.lower.Lowering;
import org.microcodegen.lower.Optimize;
import org.microcodegen.ops.Arg;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.ParamsStruct;
import org.microcodegen.quant.Reference;
import org.microcodegen.quant.Rounding;
import org.microcodegen.templates.java.JavaModelWriter;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a graph at compile time on runtime-micro's Java kernels (on the compiler's class path): the graph
 * is lowered with the Java target's registry and every kernel call is made by reflection with the same
 * arguments and parameter objects the generated Java code passes. So the calibration runs the float
 * graph on the same arithmetic as the JVM target, and the quantized graph's integer layers give exactly
 * the bits the generated C and Java give (the kernels are bit-exact with each other). A float
 * interpreter of our own would be a second implementation of every op to keep in step; this one has
 * no arithmetic at all. Each tensor gets its own array (no arena), so every layer's output can be read.
 */
public final class GraphInterpreter {
    private static final String RUNTIME = "org.microcodegen.runtime.";

    private final Graph graph;
    private final List<Step> steps = new ArrayList<>();
    private final Map<String, Object> constants = new HashMap<>();

    /** One node: its kernel and the values of its arguments, or a view (output = input's array). */
    private record Step(Node node, Method method, Object[] args, int[] tensorSlots, List<String> slotTensors, boolean perInput,
                        KernelCall call) {
    }

    public GraphInterpreter(Graph graph, Reference reference, String modelFile) {
        this.graph = graph;
        KernelRegistry registry = JavaKernels.registry("java");
        for (Tensor t : graph.tensors().values()) {
            if (t.isConstant()) {
                constants.put(t.name(), array(t.data()));
            }
        }
        for (Node n : graph.nodes()) {
            Lowering l = Lowerer.lower(graph, n, registry, modelFile, Optimize.SPEED, reference);
            steps.add(l.isView() ? new Step(n, null, null, null, null, false, null) : prepare(n, l.call()));
        }
    }

    public Graph graph() {
        return graph;
    }

    /** Sees every tensor a node computes, as its array (float[], byte[] ...), in schedule order. */
    @FunctionalInterface
    public interface Observer {
        void computed(Node node, String tensor, Object values);
    }

    /**
     * One inference: {@code inputs} are arrays of the graph inputs' element types in graph order; returns
     * every tensor's values by name (graph inputs, constants excluded).
     */
    public Map<String, Object> run(List<Object> inputs, Observer observer) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            values.put(graph.inputs().get(i), inputs.get(i));
        }
        for (Step s : steps) {
            if (s.method == null) {
                values.put(s.node.output(), values.get(s.node.input(0)));   // a view: the same bytes
            } else {
                for (String o : s.node.outputs()) {
                    values.put(o, newArray(graph.type(o).dtype(), (int) graph.type(o).shape().elementCount()));
                }
                call(s, values);
            }
            if (observer != null) {
                for (String o : s.node.outputs()) {
                    observer.computed(s.node, o, values.get(o));
                }
            }
        }
        return values;
    }

    private Step prepare(Node n, KernelCall call) {
        Kernel k = call.kernel();
        List<Object> args = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        List<String> slotTensors = new ArrayList<>();
        if (k.perInput()) {
            return new Step(n, method(k, 7, null), null, null, null, true, call);
        }
        for (Arg a : call.args()) {
            if (a instanceof Arg.TensorRef r) {
                slots.add(args.size());
                slotTensors.add(r.tensor());
                // the constant's array, or for overload resolution an empty array of the tensor's element type
                Object c = constants.get(r.tensor());
                args.add(c != null ? c : newArray(graph.type(r.tensor()).dtype(), 0));
                args.add(0);
            } else if (a instanceof Arg.Null) {
                args.add(null);
                args.add(0);
            } else if (a instanceof Arg.Int i) {
                args.add(i.value());
            } else if (a instanceof Arg.Float f) {
                args.add(f.value());
            } else if (a instanceof Arg.Activation act) {
                args.add(actConstant(act.value()));
            } else if (a instanceof Arg.Params) {
                args.add(params(k, call.struct()));
            } else if (a instanceof Arg.Table t) {
                args.add(table(t.table()));
            } else {
                throw new IllegalStateException("argument " + a + " of " + k.function() + " has no Java form");
            }
        }
        Object[] values = args.toArray();
        Method m = method(k, values.length, values);
        Object[] converted = convert(m, values);
        return new Step(n, m, converted, slots.stream().mapToInt(Integer::intValue).toArray(), slotTensors, false, call);
    }

    private void call(Step s, Map<String, Object> values) {
        try {
            if (s.perInput) {
                concat(s, values);
                return;
            }
            Object[] args = s.args.clone();
            for (int i = 0; i < s.tensorSlots.length; i++) {
                String t = s.slotTensors.get(i);
                Object v = values.containsKey(t) ? values.get(t) : constants.get(t);
                args[s.tensorSlots[i]] = v;
            }
            s.method.invoke(null, args);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw new CompileException("calibration: " + s.node.describe() + " failed in " + s.method.getName() + ": " + e.getCause(), e);
        }
    }

    /** Concatenation: one Concat.part call per input, each writing its chunk of every output row (as the Java emitter does). */
    @SuppressWarnings("unchecked")
    private void concat(Step s, Map<String, Object> values) throws IllegalAccessException, InvocationTargetException {
        List<Arg> args = s.call.args();
        List<String> inputs = ((Arg.TensorList) args.get(0)).tensors();
        List<Long> chunks = ((Arg.IntList) args.get(1)).values();
        String out = ((Arg.TensorRef) args.get(3)).tensor();
        long outer = ((Arg.Int) args.get(4)).value();
        long row = chunks.stream().mapToLong(Long::longValue).sum();
        long at = 0;
        for (int i = 0; i < inputs.size(); i++) {
            Object in = values.containsKey(inputs.get(i)) ? values.get(inputs.get(i)) : constants.get(inputs.get(i));
            Method m = method(s.call.kernel(), 7, new Object[] {in, 0, 0, values.get(out), 0, 0, 0});
            m.invoke(null, in, 0, (int) (long) chunks.get(i), values.get(out), (int) at, (int) row, (int) outer);
            at += chunks.get(i);
        }
    }

    private static Object actConstant(FusedActivation act) {
        return staticField("Act", act.name());
    }

    private static Object staticField(String cls, String name) {
        try {
            return Class.forName(RUNTIME + cls).getField(name).get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("runtime-micro has no " + cls + "." + name, e);
        }
    }

    /** The parameter object, built through its setters as the generated Java builds it. */
    private static Object params(Kernel k, ParamsStruct struct) {
        String type = k.paramsType().contains(".") ? k.paramsType().replace('.', '$') : k.module() + "$" + k.paramsType();
        try {
            Class<?> cls = Class.forName(RUNTIME + type);
            Object p = cls.getConstructor().newInstance();
            for (ParamsStruct.Field f : struct.fields()) {
                Object v = f.value();
                if (v instanceof ParamsStruct.Table t) {
                    v = table(t);
                } else if (v instanceof Rounding r) {
                    v = staticField("Quant", r == Rounding.DOUBLE ? "DOUBLE" : "SINGLE");
                } else if (v instanceof FusedActivation act) {
                    v = actConstant(act);
                } else if (v instanceof List<?> list) {
                    v = list.stream().mapToInt(o -> (int) (long) (Long) o).toArray();
                }
                Method setter = null;
                for (Method m : cls.getMethods()) {
                    if (m.getName().equals(JavaModelWriter.camel(f.name())) && m.getParameterCount() == 1 && fits(m.getParameterTypes()[0], v)) {
                        setter = m;
                    }
                }
                if (setter == null) {
                    throw new IllegalStateException(type + " has no setter for " + f.name());
                }
                setter.invoke(p, convert(setter.getParameterTypes()[0], v));
            }
            return p;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type + ": " + e, e);
        }
    }

    /** Whether a setter's parameter type takes {@code v} (Pool2DNhwc.Params has int and float act_min: integer and float data). */
    private static boolean fits(Class<?> type, Object v) {
        if (v instanceof Float) {
            return type == float.class || type == double.class;
        }
        if (v instanceof Number) {
            return type == int.class || type == long.class;
        }
        return type.isInstance(v);
    }

    private static Object table(ParamsStruct.Table t) {
        long[] v = t.values();
        return switch (t.elementType()) {
            case INT8 -> {
                byte[] b = new byte[v.length];
                for (int i = 0; i < v.length; i++) {
                    b[i] = (byte) v[i];
                }
                yield b;
            }
            case INT16 -> {
                short[] s = new short[v.length];
                for (int i = 0; i < v.length; i++) {
                    s[i] = (short) v[i];
                }
                yield s;
            }
            default -> java.util.Arrays.stream(v).mapToInt(x -> (int) x).toArray();
        };
    }

    /** The kernel's static method taking {@code count} parameters that accept {@code values} (overloads differ in array types). */
    private static Method method(Kernel k, int count, Object[] values) {
        try {
            Class<?> cls = Class.forName(RUNTIME + k.module());
            for (Method m : cls.getMethods()) {
                if (m.getName().equals(k.function()) && m.getParameterCount() == count && accepts(m, values)) {
                    return m;
                }
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("runtime-micro has no class " + k.module(), e);
        }
        throw new IllegalStateException("runtime-micro has no " + k.module() + "." + k.function() + " for these arguments");
    }

    private static boolean accepts(Method m, Object[] values) {
        if (values == null) {
            return true;
        }
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            Object v = values[i];
            if (v != null && types[i].isArray() && !types[i].isInstance(v)) {
                return false;
            }
            if (v != null && !types[i].isArray() && v.getClass().isArray()) {
                return false;
            }
        }
        return true;
    }

    private static Object[] convert(Method m, Object[] values) {
        Class<?>[] types = m.getParameterTypes();
        Object[] out = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = convert(types[i], values[i]);
        }
        return out;
    }

    private static Object convert(Class<?> type, Object v) {
        if (v instanceof Number num) {
            if (type == int.class) {
                return Math.toIntExact(num.longValue());
            }
            if (type == long.class) {
                return num.longValue();
            }
            if (type == float.class) {
                return num.floatValue();
            }
            if (type == double.class) {
                return num.doubleValue();
            }
        }
        return v;
    }

    /** A fresh array for {@code n} elements of {@code d}, in the Java target's element type. */
    public static Object newArray(DType d, int n) {
        return switch (d) {
            case FLOAT32 -> new float[n];
            case INT8, UINT8, BOOL -> new byte[n];
            case INT16, UINT16, FLOAT16 -> new short[n];
            case INT32, UINT32 -> new int[n];
            case INT64, UINT64 -> new long[n];
            case FLOAT64 -> new double[n];
        };
    }

    /** A constant's little-endian bytes as the Java target's array. */
    public static Object array(ConstData data) {
        byte[] b = data.bytes();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) data.elementCount();
        Object a = newArray(data.dtype(), n);
        switch (data.dtype()) {
            case FLOAT32 -> buf.asFloatBuffer().get((float[]) a);
            case INT8, UINT8, BOOL -> System.arraycopy(b, 0, a, 0, n);
            case INT16, UINT16, FLOAT16 -> buf.asShortBuffer().get((short[]) a);
            case INT32, UINT32 -> buf.asIntBuffer().get((int[]) a);
            case INT64, UINT64 -> buf.asLongBuffer().get((long[]) a);
            case FLOAT64 -> buf.asDoubleBuffer().get((double[]) a);
        }
        return a;
    }
}
