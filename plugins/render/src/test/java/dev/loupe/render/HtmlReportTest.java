package dev.loupe.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

    static final String EVIL = "<script>alert('x')</script>";

    private static BufferedImage image(int rgb) {
        BufferedImage img = new BufferedImage(6, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /** Two inputs, two methods (one with a hostile id and one map missing), a figure, scores. */
    static HtmlReport sample() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("model", "https://example.org/models/shapes.onnx");
        facts.put("backend", "onnx");
        facts.put("inputs", "2");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("steps", 50);
        params.put("baseline", "<zero> & \"black\"");
        params.put("window", new int[] {8, 8});
        return new HtmlReport("Shapes <b>demo</b>")
                .facts(facts)
                .figure("comparison grid", image(0x112233))
                .input("circle.png", image(0x445566), "circle 0.93, square 0.04")
                .input("square.png", image(0x778899), "square 0.88")
                .method("saliency", Map.of("abs", true), Map.of("total", 12.345), List.of(image(1), image(2)))
                .method(EVIL, params, Map.of("total", 1234.5), Arrays.asList(image(3), null))
                .scores("saliency", "deletion", 0.31, false)
                .scores(EVIL, "deletion", 0.12, false)
                .scores("saliency", "insertion", 0.70, true)
                .scores(EVIL, "insertion", 0.65, true);
    }

    @Test
    void escapesEveryUserText() {
        String html = sample().html();
        assertFalse(html.contains(EVIL), "raw method id");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), "escaped method id");
        assertEquals(1, count(html, "<script"), "only the page's own script");
        assertFalse(html.contains("<b>demo</b>"));
        assertTrue(html.contains("<title>Shapes &lt;b&gt;demo&lt;/b&gt;</title>"));
        assertTrue(html.contains("&lt;zero&gt; &amp; &quot;black&quot;"));
        assertTrue(html.contains("[8, 8]"), "array parameters are shown as lists");
    }

    @Test
    void everyImageIsEmbeddedAndNothingIsFetched() {
        String html = sample().html();
        // 1 figure + 2 inputs + 3 maps (one map is missing)
        assertEquals(6, count(html, "<img "));
        assertEquals(6, count(html, "src=\"data:image/png;base64,"));
        Matcher src = Pattern.compile("(src|href)\\s*=\\s*\"([^\"]*)\"").matcher(html);
        while (src.find()) {
            assertTrue(src.group(2).startsWith("data:image/png;base64,"), "external reference " + src.group());
        }
        assertFalse(html.contains("http://"));
        assertFalse(html.contains("https://"), "not even in user text");
        assertTrue(html.contains("example.org/models/shapes.onnx"), "the user's text is still there");
        assertTrue(html.contains("<span id=\"image-status\">6 images</span>"), "footer without scripts");
        assertTrue(html.contains("getElementById('image-status')"));
    }

    @Test
    void layoutAndBestScores() {
        String html = sample().html();
        int facts = html.indexOf("<table class=\"facts\">");
        int figures = html.indexOf("<section class=\"figures\">");
        int maps = html.indexOf("<table class=\"maps\">");
        int methods = html.indexOf("<section class=\"method\">");
        int scores = html.indexOf("<table class=\"scores\">");
        int footer = html.indexOf("<footer>");
        assertTrue(0 < facts && facts < figures && figures < maps && maps < methods && methods < scores
                && scores < footer, "title, facts, figures, maps, methods, metrics, footer");
        assertEquals(2, count(html, "<th class=\"input\">"), "one row per input");
        assertTrue(html.contains("circle 0.93, square 0.04"));
        assertTrue(html.contains("12.3 ms") && html.contains("1234.5 ms"), "timings");
        // deletion: lower is better, the hostile method's 0.12; insertion: higher, saliency's 0.70
        assertTrue(html.contains("<td class=\"num best\">0.1200</td>"), html);
        assertTrue(html.contains("<td class=\"num best\">0.7000</td>"));
        assertEquals(2, count(html, "num best"));
        assertTrue(html.contains("<span class=\"missing\">&mdash;</span>"), "missing map");
    }

    @Test
    void writesUtf8WithParentFolders(@TempDir Path dir) throws Exception {
        HtmlReport report = new HtmlReport("Größe – ümlaut").input("ü.png", null, null);
        Path file = dir.resolve("a/b/report.html");
        report.write(file);
        String back = Files.readString(file, StandardCharsets.UTF_8);
        assertEquals(report.html(), back);
        assertTrue(back.contains("Größe – ümlaut"));
        assertTrue(back.contains("<span id=\"image-status\">0 images</span>"));
    }
}
