package org.microcodegen.e2e;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.microcodegen.frontend.mindir.proto.MindIr.AttributeProto;
import org.microcodegen.frontend.mindir.proto.MindIr.GraphProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ModelProto;
import org.microcodegen.frontend.mindir.proto.MindIr.NodeProto;
import org.microcodegen.frontend.mindir.proto.MindIr.PrimitiveProto;
import org.microcodegen.frontend.mindir.proto.MindIr.TensorProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ValueInfoProto;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Turns a valid MindIR model into a hostile or broken one, deterministically from a {@link Random}:
 * structure-aware mutations of the protobuf message (shapes, dtypes, weight bytes, graph wiring, op
 * types, attributes, names, external data) and byte-level ones (truncation, random bytes, bit flips)
 * of its serialised form. Each mutation describes itself, so a failing case can be reproduced and
 * understood from its description alone.
 */
final class MindIrMutator {
    /**
     * A mutated model. {@code mustFail}: the mutation makes the model unacceptable whatever the compiler
     * does otherwise (external data leaving the model's folder), so exit 0 is a failure too.
     * {@code symlink}: a file name the case folder must hold as a symbolic link to /etc/passwd.
     */
    record Mutant(byte[] model, List<String> mutations, boolean mustFail, String symlink) {
        String describe() {
            return String.join("; ", mutations);
        }
    }

    /** Names that break comments, strings or identifiers if copied verbatim into C or Java. */
    static final List<String> HOSTILE_NAMES = List.of(
            "x*/\n#error injected through a name\n/*",
            "x*/ int injected = 1; /*",
            "x??/\n#error injected through a trigraph",
            "x\\u000a#error injected through a unicode escape",
            "x\\u000a}}} injected through a unicode escape",
            "x\\uZZZZ",
            "x\nline two",
            "x\r\n#error carriage return",
            "x\"; #error in a string \"",
            "x\\",
            "x// comment",
            "/*",
            "",
            " ",
            "é中文 🙂",
            "x\u0000nul",
            "x\u0007bell\u001b[31m",
            "%s%n%x",
            "$(touch pwned)",
            "..",
            "../../etc/passwd",
            "mc_conv2d",
            "main",
            "int",
            "NULL",
            "x".repeat(5000));

    private static final long[] BAD_DIMS = {0, -1, -2, 1L << 31, (1L << 31) - 1, (1L << 32) + 1, 1L << 40,
            Long.MAX_VALUE, Long.MIN_VALUE, 65_536};
    private static final long[] BAD_INTS = {0, -1, -2, 1L << 31, -(1L << 31), (1L << 31) - 1, 1L << 62,
            Long.MAX_VALUE, Long.MIN_VALUE, 100_000, 7};
    private static final int[] BAD_DTYPES = {0, -1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 16, 17, 18, 19, 99, 1 << 20};
    private static final String[] BAD_OP_TYPES = {"", "REF::", "REF::Frobnicate:1", "Frobnicate", "REF::Conv2D",
            "REF::Conv2D:999", "::", "REF::Return:0", "Return", "MakeTuple", "TupleGetItem", "Load", "Constant"};
    private static final String[] BAD_LOCATIONS = {"../secret.bin", "../../../../../../etc/passwd", "/etc/passwd",
            "sub/../../secret.bin", "data\u0000.bin", "", "missing.bin", ".", "/dev/zero", "/proc/self/mem"};

    private final Random rnd;
    private final List<String> done = new ArrayList<>();
    private boolean mustFail;
    private String symlink;

    private MindIrMutator(Random rnd) {
        this.rnd = rnd;
    }

    /** One to three structure-aware mutations, or (one case in five) one byte-level mutation. */
    static Mutant mutate(byte[] seed, Random rnd) {
        MindIrMutator m = new MindIrMutator(rnd);
        if (rnd.nextInt(5) == 0) {
            return new Mutant(m.bytes(seed), m.done, false, null);
        }
        ModelProto.Builder model;
        try {
            model = ModelProto.parseFrom(seed).toBuilder();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("the seed model is not MindIR: " + e.getMessage(), e);
        }
        int n = 1 + rnd.nextInt(3);
        // External data is the last mutation: a later one could make its tensor unused, and so acceptable.
        for (int i = 0; i < n && !m.mustFail; i++) {
            m.structure(model);
        }
        return new Mutant(model.build().toByteArray(), m.done, m.mustFail, m.symlink);
    }

    // ---------------------------------------------------------------- byte level

    private byte[] bytes(byte[] seed) {
        byte[] b = seed.clone();
        switch (rnd.nextInt(3)) {
            case 0 -> {
                int len = rnd.nextInt(b.length);
                done.add("bytes: truncated to " + len + " of " + b.length);
                return java.util.Arrays.copyOf(b, len);
            }
            case 1 -> {
                int k = 1 + rnd.nextInt(8);
                StringBuilder s = new StringBuilder("bytes: random bytes at");
                for (int i = 0; i < k; i++) {
                    int at = rnd.nextInt(b.length);
                    b[at] = (byte) rnd.nextInt(256);
                    s.append(' ').append(at).append('=').append(b[at] & 0xff);
                }
                done.add(s.toString());
            }
            default -> {
                int k = 1 + rnd.nextInt(8);
                StringBuilder s = new StringBuilder("bytes: bit flips at");
                for (int i = 0; i < k; i++) {
                    int at = rnd.nextInt(b.length);
                    int bit = rnd.nextInt(8);
                    b[at] ^= (byte) (1 << bit);
                    s.append(' ').append(at).append('.').append(bit);
                }
                done.add(s.toString());
            }
        }
        return b;
    }

    // ---------------------------------------------------------------- structure

    private void structure(ModelProto.Builder model) {
        GraphProto.Builder g = model.getGraphBuilder();
        switch (rnd.nextInt(12)) {
            case 0 -> dims(g);
            case 1 -> dtype(g);
            case 2 -> rawData(g);
            case 3 -> nodeInputs(g);
            case 4 -> opType(model, g);
            case 5, 6 -> attribute(model, g);
            case 7 -> duplicateName(g);
            case 8 -> removeOrDuplicate(g);
            case 9 -> externalData(g);
            default -> hostileName(g);
        }
    }

    private <T> T pick(List<T> list) {
        return list.get(rnd.nextInt(list.size()));
    }

    private long pick(long[] values) {
        return values[rnd.nextInt(values.length)];
    }

    private static String str(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\u0000", "\\0")
                .replaceAll("\\p{Cntrl}", "?") + '"';
    }

    private static String shortName(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /** A tensor to change: a graph input's or output's type, a weight, or a node's "shape" attribute. */
    private record TensorSite(String where, Consumer<UnaryOperator<TensorProto>> apply) {
    }

    private List<TensorSite> tensorSites(GraphProto.Builder g) {
        List<TensorSite> sites = new ArrayList<>();
        for (int i = 0; i < g.getInputCount(); i++) {
            int ii = i;
            if (g.getInput(i).getTensorCount() > 0) {
                sites.add(new TensorSite("input " + shortName(g.getInput(i).getName()), f -> {
                    TensorProto t = f.apply(g.getInput(ii).getTensor(0));
                    g.setInput(ii, g.getInput(ii).toBuilder().setTensor(0, t));
                }));
            }
        }
        for (int i = 0; i < g.getOutputCount(); i++) {
            int ii = i;
            if (g.getOutput(i).getTensorCount() > 0) {
                sites.add(new TensorSite("output " + shortName(g.getOutput(i).getName()), f -> {
                    TensorProto t = f.apply(g.getOutput(ii).getTensor(0));
                    g.setOutput(ii, g.getOutput(ii).toBuilder().setTensor(0, t));
                }));
            }
        }
        for (int i = 0; i < g.getParameterCount(); i++) {
            int ii = i;
            sites.add(new TensorSite("parameter " + shortName(g.getParameter(i).getName()), f -> {
                TensorProto t = f.apply(g.getParameter(ii));
                g.setParameter(ii, t);
            }));
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            for (int a = 0; a < n.getAttributeCount(); a++) {
                if (n.getAttribute(a).getTensorsCount() > 0) {
                    int ii = i;
                    int aa = a;
                    sites.add(new TensorSite("shape attribute of node " + shortName(n.getName()), f -> {
                        AttributeProto attr = g.getNode(ii).getAttribute(aa);
                        TensorProto t = f.apply(attr.getTensors(0));
                        g.setNode(ii, g.getNode(ii).toBuilder().setAttribute(aa, attr.toBuilder().setTensors(0, t)));
                    }));
                }
            }
        }
        return sites;
    }

    private void dims(GraphProto.Builder g) {
        List<TensorSite> sites = tensorSites(g);
        if (sites.isEmpty()) {
            done.add("dims: no tensor");
            return;
        }
        TensorSite site = pick(sites);
        site.apply().accept(t -> {
            TensorProto.Builder b = t.toBuilder();
            int choice = rnd.nextInt(6);
            if (choice == 0 || b.getDimsCount() == 0) {
                long v = pick(BAD_DIMS);
                b.addDims(v);
                done.add("dims of " + site.where() + ": appended " + v);
            } else if (choice == 1) {
                b.clearDims();
                done.add("dims of " + site.where() + ": removed all (scalar)");
            } else if (choice == 2) {
                List<Long> d = new ArrayList<>(b.getDimsList());
                d.remove(rnd.nextInt(d.size()));
                b.clearDims().addAllDims(d);
                done.add("dims of " + site.where() + ": dropped one, now " + d);
            } else {
                int k = rnd.nextInt(b.getDimsCount());
                long v = choice == 3 ? b.getDims(k) + 1 : pick(BAD_DIMS);
                b.setDims(k, v);
                done.add("dims of " + site.where() + ": dims[" + k + "] = " + v);
            }
            return b.build();
        });
    }

    private void dtype(GraphProto.Builder g) {
        List<TensorSite> sites = tensorSites(g);
        if (sites.isEmpty()) {
            done.add("dtype: no tensor");
            return;
        }
        TensorSite site = pick(sites);
        int v = BAD_DTYPES[rnd.nextInt(BAD_DTYPES.length)];
        site.apply().accept(t -> t.toBuilder().setDataType(v).build());
        done.add("dtype of " + site.where() + " = " + v);
    }

    private void rawData(GraphProto.Builder g) {
        if (g.getParameterCount() == 0) {
            done.add("raw_data: no parameter");
            return;
        }
        int i = rnd.nextInt(g.getParameterCount());
        TensorProto.Builder p = g.getParameter(i).toBuilder();
        byte[] raw = p.getRawData().toByteArray();
        byte[] changed = switch (rnd.nextInt(5)) {
            case 0 -> new byte[0];
            case 1 -> java.util.Arrays.copyOf(raw, Math.max(0, raw.length - 1 - rnd.nextInt(Math.max(1, raw.length))));
            case 2 -> java.util.Arrays.copyOf(raw, raw.length + 1 + rnd.nextInt(16));
            case 3 -> java.util.Arrays.copyOf(raw, raw.length * 2);
            default -> {
                byte[] nan = raw.clone();
                for (int k = 0; k + 3 < nan.length; k += 4) {
                    nan[k + 2] = (byte) 0xc0;
                    nan[k + 3] = (byte) (rnd.nextBoolean() ? 0x7f : 0xff);
                }
                yield nan;
            }
        };
        p.setRawData(ByteString.copyFrom(changed));
        if (rnd.nextInt(4) == 0) {
            p.addFloatData(1.5f);
        }
        g.setParameter(i, p);
        done.add("raw_data of parameter " + shortName(p.getName()) + ": " + raw.length + " -> " + changed.length + " bytes"
                + (p.getFloatDataCount() > 0 ? " plus float_data" : ""));
    }

    private void nodeInputs(GraphProto.Builder g) {
        if (g.getNodeCount() == 0) {
            done.add("inputs: no node");
            return;
        }
        int i = rnd.nextInt(g.getNodeCount());
        NodeProto.Builder n = g.getNode(i).toBuilder();
        String what;
        int choice = rnd.nextInt(8);
        if (n.getInputCount() == 0 || choice == 0) {
            NodeProto other = pick(g.getNodeList());
            String extra = other.getOutputCount() > 0 ? other.getOutput(0) : other.getName();
            n.addInput(extra);
            what = "added input " + str(shortName(extra));
        } else {
            int k = rnd.nextInt(n.getInputCount());
            switch (choice) {
                case 1 -> {
                    n.setInput(k, "dangling_value");
                    what = "input " + k + " = dangling";
                }
                case 2 -> {
                    String self = n.getOutputCount() > 0 ? n.getOutput(0) : n.getName();
                    n.setInput(k, self);
                    what = "input " + k + " = its own output (self-loop)";
                }
                case 3 -> {
                    int later = i + 1 + rnd.nextInt(Math.max(1, g.getNodeCount() - i));
                    later = Math.min(later, g.getNodeCount() - 1);
                    NodeProto l = g.getNode(later);
                    String out = l.getOutputCount() > 0 ? l.getOutput(0) : l.getName();
                    n.setInput(k, out);
                    what = "input " + k + " = output of node " + later + " (cycle or use before definition)";
                }
                case 4 -> {
                    n.setInput(k, "");
                    what = "input " + k + " = empty name";
                }
                case 5 -> {
                    List<String> ins = new ArrayList<>(n.getInputList());
                    ins.remove(k);
                    n.clearInput().addAllInput(ins);
                    what = "removed input " + k;
                }
                case 6 -> {
                    n.addInput(n.getInput(k));
                    what = "duplicated input " + k;
                }
                default -> {
                    List<String> ins = new ArrayList<>(n.getInputList());
                    java.util.Collections.reverse(ins);
                    n.clearInput().addAllInput(ins);
                    what = "reversed inputs";
                }
            }
        }
        g.setNode(i, n);
        done.add("node " + i + " (" + shortName(n.getOpType()) + "): " + what);
    }

    private void opType(ModelProto.Builder model, GraphProto.Builder g) {
        if (model.getPrimitivesCount() > 0 && rnd.nextBoolean()) {
            int i = rnd.nextInt(model.getPrimitivesCount());
            PrimitiveProto.Builder p = model.getPrimitives(i).toBuilder();
            String old = p.getOpType();
            String now = rnd.nextBoolean() ? BAD_OP_TYPES[rnd.nextInt(BAD_OP_TYPES.length)]
                    : model.getPrimitives(rnd.nextInt(model.getPrimitivesCount())).getOpType();
            if (rnd.nextInt(6) == 0) {
                model.removePrimitives(i);
                done.add("primitive " + str(p.getName()) + " removed");
                return;
            }
            model.setPrimitives(i, p.setOpType(now));
            done.add("primitive " + str(p.getName()) + " op_type " + str(old) + " -> " + str(now));
            return;
        }
        if (g.getNodeCount() == 0) {
            done.add("op type: no node");
            return;
        }
        int i = rnd.nextInt(g.getNodeCount());
        String old = g.getNode(i).getOpType();
        String now;
        if (rnd.nextBoolean()) {
            now = BAD_OP_TYPES[rnd.nextInt(BAD_OP_TYPES.length)];
        } else {
            int j = rnd.nextInt(g.getNodeCount());
            now = g.getNode(j).getOpType();
            g.setNode(j, g.getNode(j).toBuilder().setOpType(old));
        }
        g.setNode(i, g.getNode(i).toBuilder().setOpType(now));
        done.add("node " + i + " op_type " + str(old) + " -> " + str(now));
    }

    private void attribute(ModelProto.Builder model, GraphProto.Builder g) {
        // The op attributes (kernel_size, pad_list, strides, axis, ...) live in the primitives.
        List<int[]> sites = new ArrayList<>();
        for (int p = 0; p < model.getPrimitivesCount(); p++) {
            for (int a = 0; a < model.getPrimitives(p).getAttributeCount(); a++) {
                sites.add(new int[] {p, a});
            }
        }
        if (sites.isEmpty()) {
            done.add("attribute: none");
            return;
        }
        int[] s = pick(sites);
        PrimitiveProto.Builder p = model.getPrimitives(s[0]).toBuilder();
        AttributeProto attr = p.getAttribute(s[1]);
        String where = "attribute " + attr.getName() + " of primitive " + p.getName();
        switch (rnd.nextInt(7)) {
            case 0 -> {
                p.removeAttribute(s[1]);
                done.add(where + ": removed");
            }
            case 1 -> {
                p.addAttribute(attr.toBuilder().setI(pick(BAD_INTS)).setType(AttributeProto.AttributeType.INT64));
                done.add(where + ": duplicated with a different value");
            }
            case 2 -> {
                AttributeProto.AttributeType[] types = AttributeProto.AttributeType.values();
                AttributeProto.AttributeType t = types[rnd.nextInt(types.length)];
                p.setAttribute(s[1], attr.toBuilder().setType(t));
                done.add(where + ": type " + attr.getType() + " -> " + t);
            }
            case 3 -> {
                long v = pick(BAD_INTS);
                p.setAttribute(s[1], attr.toBuilder().setI(v).setType(AttributeProto.AttributeType.INT64).clearValues().clearInts());
                done.add(where + ": replaced by the int " + v);
            }
            case 4 -> {
                p.setAttribute(s[1], attr.toBuilder().setS(ByteString.copyFrom(new byte[] {(byte) 0xff, 0, 'x', '*', '/'}))
                        .setType(AttributeProto.AttributeType.STRING).clearValues().clearInts());
                done.add(where + ": replaced by a binary string");
            }
            case 5 -> {
                p.setAttribute(s[1], attr.toBuilder().setF(Float.NaN).setType(AttributeProto.AttributeType.FLOAT).clearValues().clearInts());
                done.add(where + ": replaced by the float NaN");
            }
            default -> {
                long v = pick(BAD_INTS);
                boolean onlyFirst = rnd.nextBoolean();
                p.setAttribute(s[1], setEveryInt(attr, v, onlyFirst));
                done.add(where + ": " + (onlyFirst ? "first" : "every") + " integer = " + v);
            }
        }
        model.setPrimitives(s[0], p);
    }

    /** Sets the integers of an attribute (its i, its ints, those of its tuple values) to {@code v}. */
    private AttributeProto setEveryInt(AttributeProto a, long v, boolean onlyFirst) {
        AttributeProto.Builder b = a.toBuilder();
        if (b.hasI()) {
            b.setI(v);
        }
        for (int k = 0; k < b.getIntsCount() && !(onlyFirst && k > 0); k++) {
            b.setInts(k, v);
        }
        for (int k = 0; k < b.getValuesCount(); k++) {
            b.setValues(k, setEveryInt(b.getValues(k), v, onlyFirst));
            if (onlyFirst) {
                break;
            }
        }
        return b.build();
    }

    private void duplicateName(GraphProto.Builder g) {
        int choice = rnd.nextInt(4);
        if (choice == 0 && g.getInputCount() > 0) {
            g.addInput(g.getInput(0));
            done.add("graph input " + shortName(g.getInput(0).getName()) + " listed twice");
        } else if (choice == 1 && g.getParameterCount() > 1) {
            g.setParameter(1, g.getParameter(1).toBuilder().setName(g.getParameter(0).getName()));
            done.add("parameter 1 renamed to parameter 0's name");
        } else if (choice == 2 && g.getNodeCount() > 1) {
            int i = rnd.nextInt(g.getNodeCount());
            int j = rnd.nextInt(g.getNodeCount());
            g.setNode(i, g.getNode(i).toBuilder().setName(g.getNode(j).getName()));
            done.add("node " + i + " renamed to node " + j + "'s name");
        } else if (g.getNodeCount() > 1) {
            int i = rnd.nextInt(g.getNodeCount());
            int j = rnd.nextInt(g.getNodeCount());
            NodeProto.Builder n = g.getNode(i).toBuilder();
            if (n.getOutputCount() > 0 && g.getNode(j).getOutputCount() > 0) {
                n.setOutput(0, g.getNode(j).getOutput(0));
            }
            g.setNode(i, n);
            done.add("node " + i + "'s output renamed to node " + j + "'s output");
        } else {
            done.add("duplicate name: nothing to duplicate");
        }
    }

    private void removeOrDuplicate(GraphProto.Builder g) {
        int choice = rnd.nextInt(8);
        if (g.getNodeCount() == 0) {
            choice = 4 + rnd.nextInt(4);
        }
        switch (choice) {
            case 0 -> {
                int i = rnd.nextInt(g.getNodeCount());
                done.add("removed node " + i + " (" + shortName(g.getNode(i).getOpType()) + ")");
                g.removeNode(i);
            }
            case 1 -> {
                int i = rnd.nextInt(g.getNodeCount());
                g.addNode(g.getNode(i));
                done.add("duplicated node " + i + " (" + shortName(g.getNode(i).getOpType()) + ") at the end");
            }
            case 2 -> {
                List<NodeProto> nodes = new ArrayList<>(g.getNodeList());
                java.util.Collections.reverse(nodes);
                g.clearNode().addAllNode(nodes);
                done.add("node order reversed");
            }
            case 3 -> {
                g.clearNode();
                done.add("removed every node");
            }
            case 4 -> {
                if (g.getOutputCount() > 0) {
                    g.addOutput(g.getOutput(0));
                }
                done.add("graph output 0 listed twice");
            }
            case 5 -> {
                if (g.getOutputCount() > 0) {
                    g.removeOutput(0);
                }
                done.add("removed graph output 0");
            }
            case 6 -> {
                if (g.getInputCount() > 0) {
                    g.removeInput(0);
                }
                done.add("removed graph input 0");
            }
            default -> {
                if (g.getParameterCount() > 0) {
                    done.add("removed parameter " + shortName(g.getParameter(0).getName()));
                    g.removeParameter(0);
                } else {
                    g.addInput(ValueInfoProto.newBuilder().setName("extra_input")
                            .addTensor(TensorProto.newBuilder().addDims(1).setDataType(1)));
                    done.add("added an unused graph input");
                }
            }
        }
    }

    private void externalData(GraphProto.Builder g) {
        // Only a weight some node uses must be refused: an unused one is never read.
        List<Integer> used = new ArrayList<>();
        for (int i = 0; i < g.getParameterCount(); i++) {
            String name = g.getParameter(i).getName();
            if (g.getNodeList().stream().anyMatch(n -> n.getInputList().contains(name))) {
                used.add(i);
            }
        }
        if (used.isEmpty()) {
            done.add("external data: no used parameter");
            return;
        }
        int i = pick(used);
        TensorProto.Builder p = g.getParameter(i).toBuilder();
        String location;
        if (rnd.nextInt(4) == 0) {
            location = "link.bin";
            symlink = location;
        } else {
            location = BAD_LOCATIONS[rnd.nextInt(BAD_LOCATIONS.length)];
        }
        long length = Math.max(p.getRawData().size(), 4);
        p.clearRawData().setExternalData(TensorProto.ExternalDataProto.newBuilder()
                .setLocation(location).setOffset(0).setLength(length));
        g.setParameter(i, p);
        mustFail = true;
        done.add("parameter " + shortName(p.getName()) + " external data at " + str(location)
                + (symlink != null ? " (a symlink to /etc/passwd)" : ""));
    }

    /** Renames one value everywhere it appears (so the graph stays valid), or a node, to a hostile name. */
    private void hostileName(GraphProto.Builder g) {
        String name = pick(HOSTILE_NAMES);
        int choice = rnd.nextInt(4);
        if (choice == 0 && g.getNodeCount() > 0) {
            int i = rnd.nextInt(g.getNodeCount());
            g.setNode(i, g.getNode(i).toBuilder().setName(name));
            done.add("node " + i + " name = " + str(shortName(name)));
            return;
        }
        if (choice == 1 && g.getNodeCount() > 0) {
            int i = rnd.nextInt(g.getNodeCount());
            g.setNode(i, g.getNode(i).toBuilder().setDomain(name));
            done.add("node " + i + " domain = " + str(shortName(name)));
            return;
        }
        List<String> values = new ArrayList<>();
        g.getInputList().forEach(v -> values.add(v.getName()));
        g.getParameterList().forEach(p -> values.add(p.getName()));
        g.getNodeList().forEach(n -> values.addAll(n.getOutputList()));
        if (values.isEmpty()) {
            done.add("rename: no value");
            return;
        }
        String old = pick(values);
        renameValue(g, old, name);
        done.add("value " + str(shortName(old)) + " renamed everywhere to " + str(shortName(name)));
    }

    private static void renameValue(GraphProto.Builder g, String old, String now) {
        for (int i = 0; i < g.getInputCount(); i++) {
            if (g.getInput(i).getName().equals(old)) {
                g.setInput(i, g.getInput(i).toBuilder().setName(now));
            }
        }
        for (int i = 0; i < g.getOutputCount(); i++) {
            if (g.getOutput(i).getName().equals(old)) {
                g.setOutput(i, g.getOutput(i).toBuilder().setName(now));
            }
        }
        for (int i = 0; i < g.getParameterCount(); i++) {
            if (g.getParameter(i).getName().equals(old)) {
                g.setParameter(i, g.getParameter(i).toBuilder().setName(now));
            }
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto.Builder n = g.getNode(i).toBuilder();
            for (int k = 0; k < n.getInputCount(); k++) {
                if (n.getInput(k).equals(old)) {
                    n.setInput(k, now);
                }
            }
            for (int k = 0; k < n.getOutputCount(); k++) {
                if (n.getOutput(k).equals(old)) {
                    n.setOutput(k, now);
                }
            }
            if (n.getName().equals(old)) {
                n.setName(now);
            }
            g.setNode(i, n);
        }
    }
}
