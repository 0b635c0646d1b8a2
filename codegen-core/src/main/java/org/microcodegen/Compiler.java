package org.microcodegen;

import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.TargetTraits;
import org.microcodegen.frontend.Frontends;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;
import org.microcodegen.lower.AccessOrders;
import org.microcodegen.lower.KernelRegistry;
import org.microcodegen.lower.Optimize;
import org.microcodegen.ops.BlockedConv2D;
import org.microcodegen.lower.Lowerer;
import org.microcodegen.lower.Lowering;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.OpContext;
import org.microcodegen.passes.PassDumps;
import org.microcodegen.passes.PassManager;
import org.microcodegen.plan.BestOfPlanner;
import org.microcodegen.plan.TensorPlacement;
import org.microcodegen.ptq.PostTrainingQuantization;
import org.microcodegen.ptq.QuantReport;
import org.microcodegen.ptq.QuantizeOptions;
import org.microcodegen.quant.Reference;
import org.microcodegen.target.Target;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The pipeline: model file -> graph -> passes -> lowering -> memory plan. Emitting is separate. */
public final class Compiler {
    private Compiler() {
    }

    public static CompiledModel compile(Path modelFile, String name, Target target) {
        return compile(modelFile, name, target, null);
    }

    /** As above; with {@code dumpIrDir} non-null, the graph is written there as text after each pass. */
    public static CompiledModel compile(Path modelFile, String name, Target target, Path dumpIrDir) {
        return compile(modelFile, name, target, dumpIrDir, Optimize.BALANCED);
    }

    /** As above, picking kernels by {@code mode} where several apply (`--optimize`). */
    public static CompiledModel compile(Path modelFile, String name, Target target, Path dumpIrDir, Optimize mode) {
        return compile(modelFile, name, target, dumpIrDir, CompileOptions.DEFAULTS.withOptimize(mode));
    }

    /** As above, with every option the user chose. */
    public static CompiledModel compile(Path modelFile, String name, Target target, Path dumpIrDir, CompileOptions options) {
        return compileWithReport(modelFile, name, target, dumpIrDir, options).model();
    }

    /** The compiled model and, when it was quantized after training, what quantization measured (else null). */
    public record Compilation(CompiledModel model, QuantReport quantization) {
    }

    /** As {@link #compile(Path, String, Target, Path, CompileOptions)}, with the quantization report. */
    public static Compilation compileWithReport(Path modelFile, String name, Target target, Path dumpIrDir, CompileOptions options) {
        String file = modelFile.toString();
        Graph g = Frontends.load(modelFile);
        boolean quantizing = options.quantize().mode() == QuantizeOptions.Mode.INT8;
        if (!quantizing && Frontends.detect(modelFile).filter("ONNX"::equals).isPresent()) {
            // an ONNX model's integer results are ONNX Runtime's (its QDQ form has no other reference); a
            // float ONNX model quantized by us keeps the rounding the user chose, like any other float model
            options = options.withReference(Reference.ONNXRUNTIME);
        }
        // size mode's blocked kernel is float-only: a quantized model keeps its canonical convolutions
        KernelRegistry sizeKernels = target.traits().kernels();
        boolean blockForSize = !quantizing && options.weightQuant() == null && options.optimize() == Optimize.SIZE
                && sizeKernels.has(BlockedConv2D.OP_NAME);
        PassManager standard = PassManager.standard(file, blockForSize ? sizeKernels.costs() : null, options.weightQuant());
        PassManager.Listener dumps = PassDumps.into(dumpIrDir);
        g = standard.run(g, dumps);
        QuantReport report = null;
        if (quantizing) {
            PostTrainingQuantization.Result r = PostTrainingQuantization.int8(g, options.quantize(), options.reference(), file);
            g = r.graph();
            report = r.report();
            dumps.after(standard.passes().size() + 1, "quantize-int8", g);
        }
        return new Compilation(lower(g, name, file, target, options), report);
    }

    /** Lowers and plans a graph that has been through the passes (and quantization, if any) for {@code target}. */
    public static CompiledModel lower(Graph g, String name, String file, Target target, CompileOptions options) {
        checkInterface(g, file);

        // One registry per compile: lowering picks from it, and the emitters name kernels from the same one.
        TargetTraits traits = target.traits();
        KernelRegistry kernels = traits.kernels();
        Map<Node, Lowering> lowerings = new LinkedHashMap<>();
        Map<String, Integer> inPlace = new HashMap<>();
        long macs = 0;
        int calls = 0;
        for (Node n : g.nodes()) {
            Op op = Op.of(n);
            OpContext ctx = OpContext.of(g, n, file);
            Lowering l = Lowerer.lower(g, n, kernels, file, options.optimize(), options.reference());
            lowerings.put(n, l);
            inPlace.put(n.name(), op.inPlaceInput(n, ctx));
            macs += op.macs(n, ctx);
            calls += l.isView() ? 0 : 1;
        }
        // a layer may write over an input it reads for the last time where its kernel's access order allows
        Graph graph = g;
        TensorPlacement placement = TensorPlacement.compute(g, lowerings, inPlace,
                (n, input) -> AccessOrders.minDistance(graph, n, lowerings.get(n), input), BestOfPlanner.standard(), traits.alignment());
        long weightBytes = 0;
        for (Tensor t : g.tensors().values()) {
            if (t.isConstant() && isReadAsBuffer(g, t.name(), lowerings)) {
                weightBytes += t.data().byteLength();
            }
        }
        java.util.Set<org.microcodegen.ops.Arg.Packed> packed = new java.util.HashSet<>();
        for (Lowering l : lowerings.values()) {
            weightBytes += l.isView() ? 0 : Lowerer.packedBytes(l.call(), packed);
        }
        return new CompiledModel(name, file, traits, g, lowerings, placement, macs, weightBytes, calls);
    }

    /** Whether a constant is passed to a kernel (a weight) rather than read at compile time (a shape). */
    public static boolean isReadAsBuffer(Graph g, String tensor, Map<Node, Lowering> lowerings) {
        for (Node n : g.consumers(tensor)) {
            Lowering l = lowerings.get(n);
            if (l != null && !l.isView() && l.call().args().stream().anyMatch(a -> Lowerer.tensors(a).contains(tensor))) {
                return true;
            }
        }
        return g.isGraphOutput(tensor);
    }

    private static void checkInterface(Graph g, String file) {
        if (g.outputs().isEmpty()) {
            throw new CompileException(file + ": the graph has no outputs");
        }
        // Inputs and outputs may be of any dtype: the generated API takes the graph's own element types, and a
        // dtype no kernel handles is refused by the target's kernel registry, naming the node.
        for (String t : g.outputs()) {
            if (g.type(t) == null) {
                throw new CompileException(file + ": graph output " + t + " has no known type");
            }
        }
    }
}
