package dev.loupe.backend.onnx.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.loupe.backend.onnx.graph.Graph;
import dev.loupe.backend.onnx.proto.OnnxReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shapes fixture network, with and without BatchNormalization, runs to its recorded logits. */
class FixtureModelsTest {
    private static Path shapes() {
        Path dir = Path.of(System.getProperty("loupe.shared.dir", "../shared"), "fixtures", "shapes");
        assumeTrue(Files.isDirectory(dir), "fixtures absent: " + dir.toAbsolutePath());
        return dir;
    }

    @ParameterizedTest
    @ValueSource(strings = {"model.onnx", "model_bn.onnx"})
    void logitsMatch(String file) throws Exception {
        Path dir = shapes();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                Graph graph = Graph.compile(OnnxReader.readModel(dir.resolve(file)), dir,
                        manager.newSubManager())) {
            NDArray inputs = NDList.decode(manager, Files.readAllBytes(dir.resolve("inputs.npy"))).singletonOrThrow();
            NDArray expected = NDList.decode(manager, Files.readAllBytes(dir.resolve("logits.npy"))).singletonOrThrow();
            Map<String, NDArray> values = graph.run(Map.of("input", inputs), null);
            NDArray logits = values.get("logits");
            assertArrayEquals(expected.getShape().getShape(), logits.getShape().getShape());
            float diff = logits.sub(expected).abs().max().getFloat();
            assertTrue(diff < 1e-4f, file + ": max |diff| " + diff);
        }
    }
}
