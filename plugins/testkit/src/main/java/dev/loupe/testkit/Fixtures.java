package dev.loupe.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loupe.api.Npy;
import dev.loupe.api.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The project's shared fixtures (../shared) and the comparison rules of their manifest. */
public final class Fixtures {
    private Fixtures() {
    }

    /**
     * @param relative a path inside the shared folder, e.g. {@code fixtures/shapes/model.onnx}
     * @return the file; skips the calling test, saying so, when the shared folder lacks it
     */
    public static Path shared(String relative) {
        String dir = System.getProperty("loupe.shared.dir", "../../../shared");
        Path p = Path.of(dir).resolve(relative).normalize();
        assumeTrue(Files.exists(p), "shared fixture absent: " + p + " (set -Dloupe.shared.dir to the shared folder)");
        return p;
    }

    /** @return a float32 .npy file */
    public static Tensor npy(Path p) {
        try {
            return Npy.readFloats(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixtures' elementwise rule: max|a − b| ≤ tol · max|b| + 1e-6, same shape. */
    public static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertClose(expected.data(), actual.data(), tol, what);
    }

    /** The fixtures' elementwise rule on plain arrays. */
    public static void assertClose(float[] expected, float[] actual, double tol, String what) {
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

    /** @return the Pearson correlation of two equally long arrays */
    public static double pearson(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        }
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            double da = a[i] - ma;
            double db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
