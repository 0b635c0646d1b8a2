package org.microcodegen.ir;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphPrinterTest {
    /** x -> Conv2D(w) -> relu -> y, with a 1,000-value weight and a two-value shape operand. */
    private static Graph graph(String inputName, String convScope, Attributes convAttrs) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put(inputName, Tensor.value(inputName, TensorType.f32(1, 10, 10, 10)));
        float[] w = new float[1000];
        for (int i = 0; i < w.length; i++) {
            w[i] = 1234.5f + i;
        }
        t.put("w", new Tensor("w", TensorType.f32(10, 10, 10, 1), ConstData.ofFloats(w), "conv.weight"));
        t.put("bias", new Tensor("bias", TensorType.f32(2), ConstData.ofFloats(0.25f, 0.5f), "bias"));
        t.put("shape", new Tensor("shape", TensorType.of(DType.INT64, Shape.of(2)), ConstData.ofLongs(1, -1), "shape"));
        t.put("c", Tensor.value("c", TensorType.f32(1, 10, 10, 1)));
        t.put("y", Tensor.value("y", null));
        List<Node> nodes = List.of(
                new Node("conv", "Conv2D", List.of(inputName, "w"), List.of("c"), convAttrs, convScope, List.of()),
                new Node("relu", "ReLU", List.of("c", "shape"), List.of("y"), Attributes.empty(), "Default/relu", List.of()));
        return new Graph("g", t, nodes, List.of(inputName), List.of("y"));
    }

    private static Attributes attrs() {
        return Attributes.empty().with("pad_mode", "valid").with("group", 1L).with("strides", List.of(1L, 1L));
    }

    @Test
    void oneLinePerNodeWithTypesAttributesAndScope() {
        String text = GraphPrinter.print(graph("x", "Default/conv1-Conv2d/Conv2D-op0", attrs()));
        assertTrue(text.contains("\n  c: float32[1,10,10,1] = Conv2D(x, w) {group=1, pad_mode=\"valid\", strides=[1, 1]}   # Default/conv1-Conv2d/Conv2D-op0\n"), text);
        assertTrue(text.contains("\n  y: ? = ReLU(c, shape)   # Default/relu\n"), "an untyped tensor prints as ?: " + text);
        assertTrue(text.contains("inputs:\n  x: float32[1,10,10,10]\n"), text);
        assertTrue(text.endsWith("outputs:\n  y: ?\n"), text);
    }

    @Test
    void constantsAreSummarisedNotListed() {
        String text = GraphPrinter.print(graph("x", "s", attrs()));
        assertTrue(text.contains("  w: float32[10,10,10,1], 4000 bytes (from conv.weight)\n"), text);
        assertFalse(text.contains("1234.5") || text.contains("1235.5"), "weight values leaked into the dump: " + text);
        assertTrue(text.contains("  bias: float32[2], 8 bytes\n"), "a tiny weight is a weight: " + text);
        assertTrue(text.contains("  shape: int64[2], 16 bytes = [1, -1]\n"), "small integer operands show their values: " + text);
    }

    @Test
    void attributeOrderDoesNotChangeTheText() {
        Attributes reversed = Attributes.empty().with("strides", List.of(1L, 1L)).with("group", 1L).with("pad_mode", "valid");
        assertEquals(GraphPrinter.print(graph("x", "s", attrs())), GraphPrinter.print(graph("x", "s", reversed)));
    }

    @Test
    void controlCharactersInNamesAreEscaped() {
        String evil = "in\nput\r\t\u0000\u001b[31m\u202e\u2028*/";
        String text = GraphPrinter.print(graph(evil, "scope\nfake line", attrs().with("pad_mode", "a\"b\\c\n")));
        assertEquals(12, text.split("\n", -1).length - 1,
                "header, 4 section titles, 1 input, 3 constants, 2 nodes, 1 output; a name broke a line: " + text);
        for (char c : text.toCharArray()) {
            assertTrue(c == '\n' || (c >= 0x20 && c != 0x7f && c != '\u202e' && c != '\u2028'),
                    () -> "raw control character U+" + Integer.toHexString(c) + " in: " + text);
        }
        assertTrue(text.contains("\"in\\nput\\r\\t\\u{0000}\\u{001B}[31m\\u{202E}\\u{2028}*/\""), text);
        assertTrue(text.contains("# \"scope\\nfake line\""), text);
        assertTrue(text.contains("pad_mode=\"a\\\"b\\\\c\\n\""), text);
    }

    public record Pair(int h, int w) {
    }

    public enum Act { NONE, RELU }

    @Test
    void typedAttributesPrintAsTheirComponents() {
        Attributes typed = Attributes.empty().with("strides", new Pair(2, 1)).with("activation", Act.RELU);
        String text = GraphPrinter.print(graph("x", "s", typed));
        assertTrue(text.contains("= Conv2D(x, w) {activation=RELU, strides=Pair{h=2, w=1}}"), text);
    }

    @Test
    void plainNamesStayBareOthersAreQuoted() {
        assertEquals("Default/conv1-Conv2d/Conv2D-op0:x:3", GraphPrinter.name("Default/conv1-Conv2d/Conv2D-op0:x:3"));
        assertEquals("\"a b\"", GraphPrinter.name("a b"), "a space would make the line ambiguous");
        assertEquals("\"a,b\"", GraphPrinter.name("a,b"));
        assertEquals("\"\"", GraphPrinter.name(""));
        assertEquals("\"conv\u00e9\"", GraphPrinter.name("conv\u00e9"), "printable non-ASCII is kept, quoted");
    }
}
