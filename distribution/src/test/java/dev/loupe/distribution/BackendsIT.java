package dev.loupe.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;
import dev.loupe.api.Npy;
import dev.loupe.api.Tensor;
import dev.loupe.distribution.Launcher.Run;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: the built-in backends in {@code bundles/} of the assembled distribution, run through
 * {@code bin/loupe} inside the real framework. Each test gets a fresh home whose {@code bundles}
 * is the installation's and whose {@code plugins/} is its own.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BackendsIT {
    private static final Path DIST = Launcher.DIST;
    private static final Path LOUPE = Launcher.LOUPE;

    @TempDir
    static Path cache;

    @TempDir
    Path home;

    @TempDir
    Path work;


    @BeforeEach
    void homeWithTheBuiltInBundles() throws IOException {
        Files.createSymbolicLink(home.resolve("bundles"), DIST.resolve("bundles"));
        Files.createDirectories(home.resolve("plugins"));
    }

    @AfterEach
    void removeTheLink() throws IOException {
        // JUnit warns about links leading out of its temporary folders
        Files.deleteIfExists(home.resolve("bundles"));
    }

    @Test
    void theBuiltInBackendsAreStaticBundles() {
        for (String jar : List.of("loupe-backend-onnx.jar", "loupe-backend-torchscript.jar",
                "loupe-backend-onnxruntime.jar")) {
            assertTrue(Files.isRegularFile(DIST.resolve("bundles").resolve(jar)), "bundles/" + jar);
        }
        String[] lib = DIST.resolve("lib").toFile().list();
        for (String name : lib) {
            assertFalse(name.contains("onnxruntime") || name.startsWith("loupe-backend"),
                    () -> "lib/ (the launcher's class path) holds " + name);
        }
    }

    @Test
    void backendsListsAllThree() throws Exception {
        Run r = loupe("backends");
        assertEquals(0, r.code(), r::toString);
        List<String> ids = r.out().lines().filter(l -> !l.startsWith(" ")).map(l -> l.split("\\s+")[0]).toList();
        assertTrue(ids.containsAll(List.of("onnx", "torchscript", "onnxruntime")), r::toString);
        assertTrue(capabilities(r.out(), "torchscript").equals("FORWARD, INPUT_GRADIENT"), r::toString);
        assertTrue(capabilities(r.out(), "onnxruntime").equals("FORWARD"), r::toString);
        assertEquals("", r.err(), "a quiet run prints nothing on stderr");
    }

    @Test
    void predictWithTorchScript() throws Exception {
        Path shapes = shapes();
        Path out = work.resolve("out");
        Run r = loupe("predict", "--model", shapes.resolve("model.torchscript.pt").toString(),
                "--input", shapes.resolve("inputs.npy").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals(8, r.out().lines().count(), r::toString);
        assertOutputs(shapes, out.resolve("outputs.npy"));
    }

    @Test
    void predictWithOnnxRuntime() throws Exception {
        Path shapes = shapes();
        Path out = work.resolve("out");
        Run r = loupe("predict", "--backend", "onnxruntime", "--model", shapes.resolve("model.onnx").toString(),
                "--input", shapes.resolve("inputs.npy").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals(8, r.out().lines().count(), r::toString);
        assertEquals("", r.err(), "ONNX Runtime logs nothing on a quiet run");
        assertOutputs(shapes, out.resolve("outputs.npy"));
    }

    @Test
    void predictWithTheOnnxGraphBackend() throws Exception {
        Path shapes = shapes();
        for (String model : List.of("model.onnx", "model_bn.onnx")) {
            Path out = work.resolve(model);
            Run r = loupe("predict", "--model", shapes.resolve(model).toString(),
                    "--input", shapes.resolve("inputs.npy").toString(), "--out", out.toString());
            assertEquals(0, r.code(), r::toString);
            assertOutputs(shapes, out.resolve("outputs.npy"));
        }
    }

    @Test
    void theDemoModelRunsWithNoArguments() throws Exception {
        Run r = loupe("predict");
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.err(), "a quiet run prints nothing on stderr (DJL's CUDA probe included)");
        List<String> lines = r.out().lines().toList();
        assertEquals(8, lines.size(), r::toString);
        for (String line : lines) {
            // "3-triangle.png:  triangle=9.1234  ...": the top class is the one the file is named after
            String truth = line.substring(line.indexOf('-') + 1, line.indexOf(".png"));
            String top = line.substring(line.indexOf(':') + 1).trim().split("=")[0];
            assertEquals(truth, top, line);
        }
        Run layers = loupe("layers");
        assertEquals(0, layers.code(), layers::toString);
        assertTrue(layers.out().lines().anyMatch(l -> l.matches("/relu3/Relu_output_0\\s+Relu\\s+\\[-1, 64, 16, 16\\]")),
                layers::toString);
        assertTrue(layers.out().contains("scores  logits: the model output 'logits'"), layers::toString);
    }

    @Test
    void gradientMethodWithTheOnnxGraphMatchesTheReference() throws Exception {
        Path shapes = shapes();
        gradientMethodBundle(home.resolve("plugins"));
        Path out = work.resolve("out");
        Run r = loupe("explain", "--model", shapes.resolve("model_bn.onnx").toString(),
                "--input", shapes.resolve("inputs.npy").toString(), "--method", "e2e-gradient",
                "--target", shapes.resolve("labels.npy").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        assertGradientMatchesReference(shapes, out);
        assertTrue(Files.readString(out.resolve("summary.json")).contains("the model output 'logits'"));
    }

    @Test
    void gradientMethodWithTorchScriptMatchesTheReference() throws Exception {
        Path shapes = shapes();
        gradientMethodBundle(home.resolve("plugins"));
        Path out = work.resolve("out");
        Run r = loupe("explain", "--model", shapes.resolve("model.torchscript.pt").toString(),
                "--input", shapes.resolve("inputs.npy").toString(), "--method", "e2e-gradient",
                "--target", shapes.resolve("labels.npy").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        assertGradientMatchesReference(shapes, out);
    }

    private static void assertGradientMatchesReference(Path shapes, Path out) throws IOException {
        // the fixture manifest's rule for pure gradients
        SharedFixtures.assertMatches(shapes.resolve("refs/gradient.npy"), out.resolve("attribution.npy"), 1e-4);
    }

    @Test
    void gradientMethodWithOnnxRuntimeNamesTheMissingCapability() throws Exception {
        Path shapes = shapes();
        gradientMethodBundle(home.resolve("plugins"));
        Run r = loupe("explain", "--backend", "onnxruntime", "--model", shapes.resolve("model.onnx").toString(),
                "--input", shapes.resolve("inputs.npy").toString(), "--method", "e2e-gradient",
                "--out", work.resolve("out").toString());
        assertEquals(1, r.code(), r::toString);
        List<String> err = r.err().lines().toList();
        assertEquals(1, err.size(), r::toString);
        assertTrue(err.get(0).startsWith("loupe: ") && err.get(0).contains("INPUT_GRADIENT")
                && err.get(0).contains("onnxruntime backend offers FORWARD only"), r::toString);
    }

    private static String capabilities(String listing, String backend) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(backend) + "\\s.*\\R\\s+capabilities: (.*)$").matcher(listing);
        return m.find() ? m.group(1).trim() : "(not listed)";
    }

    private static void assertOutputs(Path shapes, Path outputs) throws IOException {
        Tensor expected = Npy.readFloats(shapes.resolve("logits.npy"));
        Tensor actual = Npy.readFloats(outputs);
        assertArrayEquals(expected.shape(), actual.shape());
        for (int i = 0; i < expected.data().length; i++) {
            assertEquals(expected.data()[i], actual.data()[i], 1e-4, "output value " + i);
        }
    }

    private static Path shapes() {
        return SharedFixtures.shapes();
    }

    /** Builds the test method bundle into {@code dir}, as bnd-maven-plugin would. */
    private static Path gradientMethodBundle(Path dir) throws Exception {
        try (Builder b = new Builder()) {
            b.setProperty("Bundle-SymbolicName", "test.method.e2e-gradient");
            b.setProperty("Bundle-Version", "1.0.0");
            b.setProperty("Private-Package", "dev.loupe.distribution.testmethod");
            b.setProperty("Import-Package", "ai.djl.*;version=\"[0.35,0.36)\",*");
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                File f = new File(entry);
                // the analysis needs the API and DJL classes, not the large native jars
                if (f.isDirectory() || (f.isFile() && f.length() < 20_000_000L)) {
                    b.addClasspath(f);
                }
            }
            Jar jar = b.build();
            if (!b.getErrors().isEmpty()) {
                throw new IllegalStateException("bnd errors: " + b.getErrors());
            }
            Path out = dir.resolve("e2e-gradient.jar");
            jar.write(out.toFile());
            return out;
        }
    }
    private Run loupe(String... args) throws IOException, InterruptedException {
        return Launcher.loupe(home, work, cache, args);
    }
}
