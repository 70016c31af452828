package dev.loupe.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loupe.api.Npy;
import dev.loupe.api.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The shapes fixtures of the shared folder and the manifest's elementwise comparison rule. */
final class SharedFixtures {
    private SharedFixtures() {
    }

    /** @return {@code ../shared/fixtures/shapes}, or skips the test saying that it is absent */
    static Path shapes() {
        String shared = System.getProperty("loupe.shared.dir");
        assumeTrue(shared != null, "system property loupe.shared.dir is not set: shared fixtures absent, test skipped");
        Path shapes = Path.of(shared, "fixtures", "shapes");
        assumeTrue(Files.isDirectory(shapes), () -> "fixtures " + shapes + " are absent: test skipped");
        return shapes;
    }

    /** max|a − b| ≤ tol · max|b| + 1e-6 between a reference .npy and a result .npy. */
    static void assertMatches(Path reference, Path result, double tol) throws IOException {
        Tensor expected = Npy.readFloats(reference);
        Tensor actual = Npy.readFloats(result);
        // axes of size 1 do not count: pytorch-grad-cam's maps are [N, H, W], Loupe's [N, 1, H, W]
        assertArrayEquals(squeezed(expected.shape()), squeezed(actual.shape()), result + ": shape");
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < expected.data().length; i++) {
            maxRef = Math.max(maxRef, Math.abs(expected.data()[i]));
            maxDiff = Math.max(maxDiff, Math.abs(expected.data()[i] - actual.data()[i]));
        }
        double bound = tol * maxRef + 1e-6;
        double diff = maxDiff;
        assertTrue(diff <= bound, () -> result + " vs " + reference.getFileName() + ": max |a-b| = " + diff + " > " + bound);
    }

    private static long[] squeezed(long[] shape) {
        return Arrays.stream(shape).filter(d -> d != 1).toArray();
    }

    /** @return the PaddleOCR orientation classifier of the shared models, or skips the test when absent */
    static Path ppocrClassifier() {
        String shared = System.getProperty("loupe.shared.dir");
        assumeTrue(shared != null, "system property loupe.shared.dir is not set: shared models absent, test skipped");
        Path model = Path.of(shared, "models", "ppocr", "ch_ppocr_mobile_v2.0_cls_infer.onnx");
        assumeTrue(Files.exists(model), () -> model + " is absent: test skipped");
        return model;
    }
}
