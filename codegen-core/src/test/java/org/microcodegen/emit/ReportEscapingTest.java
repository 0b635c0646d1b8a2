package org.microcodegen.emit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The escaping of model text in report.json and report.html, character class by character class. */
class ReportEscapingTest {
    @Test
    void jsonStringsEscapeWhatJsonAndJavaScriptNeed() {
        assertEquals("\"a\\\"b\\\\c\"", ReportJson.string("a\"b\\c"));
        assertEquals("\"\\n\\r\\t\\b\\f\\u0000\\u001f\\u007f\"", ReportJson.string("\n\r\t\b\f\u0000\u001f\u007f"));
        assertEquals("\"\\u2028\\u2029\"", ReportJson.string("\u2028\u2029"));
        // A valid pair stays as is (UTF-8 in the file); a lone half has no UTF-8 form, so it is escaped.
        assertEquals("\"\ud83d\ude00 \\ud83d \\ude00\"", ReportJson.string("\ud83d\ude00 \ud83d \ude00"));
        assertEquals("\"</script> é\"", ReportJson.string("</script> é"));
    }

    @Test
    void htmlTextEscapesMarkupAndShowsControlCharacters() {
        assertEquals("&lt;b&gt;&amp;amp;&quot;&#39;", ReportHtml.text("<b>&amp;\"'"));
        assertEquals("a\\u0000b\\u001b\\u0085\tc\nd", ReportHtml.text("a\u0000b\u001b\u0085\tc\nd"));
        assertEquals("\ud83d\ude00\\ud83d", ReportHtml.text("\ud83d\ude00\ud83d"));
    }
}
