package dev.loupe.backend.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ModelSource;
import dev.loupe.api.Npy;
import dev.loupe.api.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Test data: the small networks in test resources and the project's shared fixtures. */
final class Fixtures {
    private Fixtures() {
    }

    /** @return a file of src/test/resources/models */
    static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/models/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a file of ../shared, or skips the test saying that it is absent */
    static Path shared(String relative) {
        String dir = System.getProperty("loupe.shared.dir", "../../../shared");
        Path p = Path.of(dir).resolve(relative).normalize();
        assumeTrue(Files.exists(p), "shared fixture absent: " + p + " (set -Dloupe.shared.dir to the shared folder)");
        return p;
    }

    static Tensor npy(Path p) {
        try {
            return Npy.readFloats(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ExplainableModel load(Path model) {
        return new OnnxBackend().load(ModelSource.of(model));
    }

    static ExplainableModel load(Path model, Map<String, String> options) {
        return new OnnxBackend().load(new ModelSource(model, options));
    }

    /** The fixtures' elementwise rule: max|a − b| ≤ tol · max|b| + 1e-6, same shape. */
    static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertClose(expected.data(), actual.data(), tol, what);
    }

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
            maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
        }
        double bound = tol * maxRef + 1e-6;
        if (expected.length != actual.length || maxDiff > bound) {
            throw new AssertionError(what + ": max |a - b| = " + maxDiff + " > " + bound + " (" + expected.length
                    + " vs " + actual.length + " values)");
        }
    }
}
