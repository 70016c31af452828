package dev.loupe.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.api.Npy;
import dev.loupe.api.Tensor;
import dev.loupe.platform.cli.Cli;
import dev.loupe.platform.cli.CliContext;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The files and exit codes that scripts rely on, through the CLI on a running host. */
@Timeout(120)
class CliContractTest {
    @TempDir
    static Path home;
    private static LoupeHost host;
    private static Path model;
    private static Path inputs;

    @BeforeAll
    static void start() throws Exception {
        Path plugins = home.resolve("plugins");
        TestBundles.linearBackend(plugins);
        TestBundles.gradientMethod(plugins);
        host = LoupeHost.builder().home(home).pollInterval(Duration.ofMillis(100)).start();
        model = home.resolve("m.linear.npy");
        // 2 classes over 3x2x2 inputs
        float[] w = new float[24];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 5) - 2;
        }
        Npy.write(model, new Tensor(w, new long[] {2, 12}));
        inputs = home.resolve("x.npy");
        float[] x = new float[24];
        for (int i = 0; i < x.length; i++) {
            x[i] = i / 24f;
        }
        Npy.write(inputs, new Tensor(x, new long[] {2, 3, 2, 2}));
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    private record Run(int code, String out, String err) {
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (CliContext ctx = new CliContext(home, false, new PrintWriter(out), new PrintWriter(err), host)) {
            code = Cli.execute(ctx, args);
        }
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void explainWritesAttributionSummaryAndOverlays() throws Exception {
        Path out = home.resolve("out");
        Run r = cli("explain", "--model", model.toString(), "--input", inputs.toString(), "--method", "test-gradient",
                "--target", "1,0", "--param", "scale=0.5", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Tensor a = Npy.readFloats(out.resolve("attribution.npy"));
        assertArrayEquals(new long[] {2, 3, 2, 2}, a.shape());
        float[] w = Npy.readFloats(model).data();
        assertEquals(0.5f * w[12], a.data()[0], 1e-6f); // input 0 explains class 1
        assertEquals(0.5f * w[0], a.data()[12], 1e-6f); // input 1 explains class 0
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("test-gradient", summary.get("method").asText());
        assertEquals(0.5, summary.get("parameters").get("scale").asDouble());
        assertEquals(1, summary.get("targets").get(0).asInt());
        assertEquals("linear", summary.get("backend").asText());
        assertTrue(summary.get("timingsMillis").has("total"));
        BufferedImage overlay = ImageIO.read(out.resolve("overlay-1.png").toFile());
        assertEquals(2, overlay.getWidth());
    }

    @Test
    void predictWritesOutputsAndPrintsTopClasses() throws Exception {
        Path out = home.resolve("pred");
        Run r = cli("predict", "--model", model.toString(), "--input", inputs.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(new long[] {2, 2}, Npy.readFloats(out.resolve("outputs.npy")).shape());
        assertEquals(2, r.out().lines().count());
        assertTrue(r.out().startsWith("input-0:"), r.out());
    }

    @Test
    void errorsAreOneLineWithNonZeroExit() {
        Run unknownMethod = cli("explain", "--model", model.toString(), "--input", inputs.toString(), "--method", "nope");
        assertEquals(Cli.FAILED, unknownMethod.code());
        assertEquals("loupe: no method nope; installed: test-gradient", unknownMethod.err().trim());

        Run badTarget = cli("explain", "--model", model.toString(), "--input", inputs.toString(), "--method",
                "test-gradient", "--target", "7");
        assertEquals(Cli.FAILED, badTarget.code());
        assertEquals(1, badTarget.err().trim().lines().count(), badTarget.err());
        assertTrue(badTarget.err().contains("out of range"), badTarget.err());

        Run usage = cli("explain", "--bogus");
        assertEquals(Cli.USAGE, usage.code());
    }

    @Test
    void scriptsRunABatch() throws Exception {
        Path script = home.resolve("batch.gogo");
        Path out = home.resolve("scripted");
        Files.writeString(script, "methods\nexplain --model " + model + " --input " + inputs
                + " --method test-gradient --out " + out + "\n");
        Run r = cli("run", script.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test-gradient"), r.out());
        assertTrue(Files.exists(out.resolve("attribution.npy")));

        Files.writeString(script, "explain --method test-gradient\nmethods\n");
        Run failing = cli("run", script.toString());
        assertEquals(Cli.FAILED, failing.code());
        assertTrue(failing.err().contains("--model"), failing.err());
    }
}
