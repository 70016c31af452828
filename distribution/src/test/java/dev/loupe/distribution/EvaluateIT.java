package dev.loupe.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.distribution.Launcher.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end: the shipped metrics through {@code loupe evaluate} on the shapes fixtures (images and
 * object masks), and the comparison report opened in headless Chromium.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class EvaluateIT extends BuiltInPluginsHome {
    private static final List<String> METRICS = List.of("deletion", "insertion", "pointing-game", "relevance-mass",
            "sanity-model-randomization", "completeness", "infidelity", "sensitivity-max");
    private static final List<String> LOCALISATION = List.of("pointing-game", "relevance-mass", "deletion",
            "insertion");

    @Test
    void theInstallationListsTheMetrics() throws Exception {
        Run r = loupe("metrics");
        assertEquals(0, r.code(), r::toString);
        for (String id : METRICS) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(id + " ")), () -> id + " not listed: " + r.out());
        }
    }

    /**
     * Every installed method is scored by the pointing game, relevance mass, deletion and insertion;
     * the table has a number in every cell, the files hold them, and every image of the report loads
     * in a browser.
     */
    @Test
    void everyMethodIsScoredAndTheReportOpensInABrowser() throws Exception {
        Path shapes = SharedFixtures.shapes();
        Run methods = loupe("methods");
        List<String> ids = methods.out().lines().filter(l -> !l.startsWith(" ") && !l.isBlank())
                .map(l -> l.substring(0, l.indexOf(' '))).toList();
        Run r = loupe("evaluate", "--model", shapes.resolve("model.onnx").toString(), "--input",
                shapes.resolve("inputs.npy").toString(), "--masks", shapes.resolve("masks.npy").toString(),
                "--methods", "all", "--metrics", String.join(",", LOCALISATION), "--metric-param", "steps=16",
                "--param", "rise.masks=500", "--param", "kernel-shap.samples=300", "--param", "lime.samples=300",
                "--param", "shapley-sampling.permutations=4", "--param", "smoothgrad.samples=8", "--out", "eval");
        assertEquals(0, r.code(), r::toString);
        List<String> rows = r.out().lines().toList();
        for (String id : ids) {
            String row = rows.stream().filter(l -> l.startsWith(id + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError(id + " has no row: " + r));
            List<Double> numbers = numbers(row.substring(id.length()));
            assertEquals(LOCALISATION.size(), numbers.size(), () -> id + ": " + row);
            numbers.forEach(v -> assertTrue(v >= 0 && v <= 1, () -> id + ": " + row));
        }
        Path eval = work.resolve("eval");
        List<String> csv = Files.readAllLines(eval.resolve("scores.csv"));
        for (String id : ids) {
            for (String metric : LOCALISATION) {
                String line = csv.stream().filter(l -> l.startsWith(id + "," + metric + ",score,")).findFirst()
                        .orElseThrow(() -> new AssertionError(id + " × " + metric + " is not in scores.csv"));
                assertTrue(Double.isFinite(Double.parseDouble(line.substring(line.lastIndexOf(',') + 1))), line);
            }
        }
        assertTrue(Files.size(eval.resolve("grid.png")) > 1000);
        String html = Files.readString(eval.resolve("report.html"));
        assertTrue(!html.contains("http://") && !html.contains("https://"), "the report is self-contained");
        int images = count(html, "<img");
        assertTrue(images >= ids.size() * 8, "maps of every method for every input: " + images);
        String dom = chromium(eval.resolve("report.html"));
        Matcher loaded = Pattern.compile("(\\d+) of (\\d+) images loaded").matcher(dom);
        assertTrue(loaded.find(), () -> "the report's image check did not run: " + dom.substring(0, 300));
        assertEquals(loaded.group(2), loaded.group(1), "every image loaded in Chromium");
        assertEquals(images, Integer.parseInt(loaded.group(2)));
    }

    /** The sanity check through the CLI: both maps lose their correlation as the model is randomised. */
    @Test
    void theSanityCheckDecorrelatesSaliencyAndGradCam() throws Exception {
        Run r = loupe("evaluate", "--methods", "saliency,gradcam", "--metrics", "sanity-model-randomization",
                "--out", "sanity");
        assertEquals(0, r.code(), r::toString);
        for (String id : List.of("saliency", "gradcam")) {
            String row = r.out().lines().filter(l -> l.startsWith(id + " ")).findFirst().orElseThrow();
            double fullyRandomised = numbers(row.substring(id.length())).get(0);
            assertTrue(fullyRandomised < 0.5, id + ": " + row);
        }
        String html = Files.readString(work.resolve("sanity/report.html"));
        assertTrue(html.contains("sanity-model-randomization"), "the report has the sanity plot");
    }

    /**
     * The default, all metrics, on inputs without masks: the two that need masks are skipped and said
     * to be; every other metric scores both methods, and a failure would fail the command.
     */
    @Test
    void allMetricsWithoutMasksSkipTheLocalisationMetricsAndScoreTheRest() throws Exception {
        Path shapes = SharedFixtures.shapes();
        Run r = loupe("evaluate", "--model", shapes.resolve("model.onnx").toString(), "--input",
                shapes.resolve("inputs.npy").toString(), "--methods", "saliency,integrated-gradients",
                "--metric-param", "steps=16", "--out", "all-metrics");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("skipped without --masks: pointing-game, relevance-mass"), r::toString);
        assertTrue(!r.err().contains("failed"), r::toString);
        List<String> scored = new ArrayList<>(METRICS);
        scored.removeAll(List.of("pointing-game", "relevance-mass"));
        String header = r.out().lines().filter(l -> l.startsWith("method")).findFirst().orElseThrow();
        for (String metric : scored) {
            assertTrue(header.contains(metric), () -> metric + " has no column: " + r);
        }
        for (String id : List.of("saliency", "integrated-gradients")) {
            String row = r.out().lines().filter(l -> l.startsWith(id + " ")).findFirst().orElseThrow();
            assertTrue(numbers(row.substring(id.length())).size() >= scored.size(), () -> id + ": " + row);
        }
    }

    private static List<Double> numbers(String s) {
        List<Double> out = new ArrayList<>();
        Matcher m = Pattern.compile("-?\\d+\\.\\d+").matcher(s);
        while (m.find()) {
            out.add(Double.parseDouble(m.group()));
        }
        return out;
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** @return the page's DOM after its scripts ran, from Debian's chromium (installed by .ci/run) */
    private String chromium(Path page) throws IOException, InterruptedException {
        Path browser = Path.of("/usr/bin/chromium");
        assertTrue(Files.isExecutable(browser), "this test needs Debian's chromium (apt-get install chromium; "
                + ".ci/run installs it)");
        Process p = new ProcessBuilder(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + work.resolve("chromium-profile"), "--virtual-time-budget=10000", "--dump-dom",
                page.toUri().toString()).redirectError(work.resolve("chromium.log").toFile()).start();
        byte[] dom = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
        return new String(dom, StandardCharsets.UTF_8);
    }
}
