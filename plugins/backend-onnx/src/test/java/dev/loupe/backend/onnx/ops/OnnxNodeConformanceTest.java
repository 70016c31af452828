package dev.loupe.backend.onnx.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.loupe.backend.onnx.graph.Graph;
import dev.loupe.backend.onnx.proto.OnnxProto;
import dev.loupe.backend.onnx.proto.OnnxReader;
import dev.loupe.backend.onnx.proto.OnnxTensors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * ONNX's backend node tests (one model, inputs and expected outputs per test, as shipped by
 * Debian's {@code libonnx-testdata}) run through {@link Graph}. Every test named in
 * {@code onnx-node-tests.txt} must pass; that file also lists, with a reason, the tests of
 * supported ops that are skipped.
 *
 * <p>System properties: {@code loupe.onnx.testdata.dir} (default
 * {@code /usr/share/libonnx-testdata/data/node}); {@code loupe.require.onnx.testdata=true} (or the
 * environment variable {@code LOUPE_REQUIRE_ONNX_TESTDATA=true}, which {@code .ci/run} sets) makes a
 * missing folder a failure instead of a skip; {@code loupe.onnx.conformance.all=true}
 * runs every test folder instead and writes a report to {@code target/onnx-conformance.txt}, to
 * maintain the list.
 */
class OnnxNodeConformanceTest {
    static final String DEFAULT_DIR = "/usr/share/libonnx-testdata/data/node";

    static Path testdata() {
        return Path.of(System.getProperty("loupe.onnx.testdata.dir", DEFAULT_DIR));
    }

    /** The pass list and the skip list (name to reason) from the resource file. */
    record TestList(List<String> pass, Map<String, String> skipped) {
        static TestList load() throws IOException {
            List<String> pass = new ArrayList<>();
            Map<String, String> skipped = new LinkedHashMap<>();
            try (InputStream in = OnnxNodeConformanceTest.class.getResourceAsStream("/onnx-node-tests.txt");
                    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                boolean skipSection = false;
                for (String line; (line = r.readLine()) != null;) {
                    line = line.strip();
                    if (line.isEmpty() || line.startsWith("#")) {
                        continue;
                    }
                    if (line.equals("[skipped]")) {
                        skipSection = true;
                        continue;
                    }
                    if (skipSection) {
                        int colon = line.indexOf(':');
                        assertTrue(colon > 0, "a skipped test needs a reason: " + line);
                        skipped.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
                    } else {
                        pass.add(line);
                    }
                }
            }
            return new TestList(pass, skipped);
        }
    }

    @TestFactory
    Stream<DynamicTest> nodeTests() throws IOException {
        Path dir = testdata();
        if (!Files.isDirectory(dir)) {
            String message = "ONNX node test data not found at " + dir
                    + " (install Debian's libonnx-testdata: apt-get install -y libonnx-testdata,"
                    + " or set -Dloupe.onnx.testdata.dir)";
            if (Boolean.getBoolean("loupe.require.onnx.testdata")
                    || "true".equalsIgnoreCase(System.getenv("LOUPE_REQUIRE_ONNX_TESTDATA"))) {
                fail(message + "; loupe.require.onnx.testdata (or LOUPE_REQUIRE_ONNX_TESTDATA) requires it");
            }
            return Stream.of(DynamicTest.dynamicTest("ONNX node test data absent",
                    () -> Assumptions.assumeTrue(false, message)));
        }
        TestList list = TestList.load();
        for (String name : list.pass()) {
            assertTrue(!list.skipped().containsKey(name), name + " is both in the pass list and skipped");
        }
        if (Boolean.getBoolean("loupe.onnx.conformance.all")) {
            return Stream.of(DynamicTest.dynamicTest("all node tests (report)", () -> report(dir, list)));
        }
        return list.pass().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Path test = dir.resolve(name);
            assertTrue(Files.isDirectory(test), "no such node test: " + test);
            run(test);
        }));
    }

    private static void report(Path dir, TestList list) throws IOException {
        List<Path> tests;
        try (Stream<Path> s = Files.list(dir)) {
            tests = s.filter(p -> Files.exists(p.resolve("model.onnx"))).sorted().toList();
        }
        Path out = Path.of("target", "onnx-conformance.txt");
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out), true)) {
            for (Path test : tests) {
                String name = test.getFileName().toString();
                String status;
                try {
                    run(test);
                    status = "PASS";
                } catch (UnsupportedOpException e) {
                    status = "UNSUPPORTED " + e.getMessage().split("; supported ops")[0];
                } catch (Throwable e) {
                    status = "FAIL " + String.valueOf(e.getMessage()).replace('\n', ' ');
                }
                String listed = list.pass().contains(name) ? " [listed]"
                        : list.skipped().containsKey(name) ? " [skipped]" : "";
                w.println(name + " " + status.substring(0, Math.min(status.length(), 400)) + listed);
            }
        }
    }

    /** Loads, runs and checks one test folder (its first data set). */
    static void run(Path test) throws IOException {
        OnnxProto.Model model = OnnxReader.readModel(test.resolve("model.onnx"));
        Path data = test.resolve("test_data_set_0");
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                Graph graph = Graph.compile(model, test, manager.newSubManager())) {
            Map<String, NDArray> feeds = new LinkedHashMap<>();
            List<OnnxProto.ValueInfo> inputs = graph.inputs();
            for (int i = 0; i < inputs.size(); i++) {
                Path file = data.resolve("input_" + i + ".pb");
                if (Files.exists(file)) {
                    feeds.put(inputs.get(i).name(), OnnxTensors.toNDArray(OnnxReader.readTensor(file), manager, null));
                }
            }
            Map<String, NDArray> values = graph.run(feeds, null);
            List<OnnxProto.ValueInfo> outputs = graph.outputs();
            for (int i = 0; i < outputs.size(); i++) {
                String name = outputs.get(i).name();
                NDArray expected = OnnxTensors.toNDArray(OnnxReader.readTensor(data.resolve("output_" + i + ".pb")),
                        manager, null);
                NDArray actual = values.containsKey(name) ? values.get(name) : graph.constants().get(name);
                assertTrue(actual != null, "output " + name + " was not computed");
                compare(name, expected, actual);
            }
        }
    }

    /** Same shape and type; floats within 1e-4 + 1e-3·|expected| (NaN where NaN), others exact. */
    static void compare(String name, NDArray expected, NDArray actual) {
        assertEquals(expected.getShape(), actual.getShape(), "shape of " + name);
        assertEquals(expected.getDataType(), actual.getDataType(), "type of " + name);
        DataType type = expected.getDataType();
        if (type.isFloating()) {
            double[] e = expected.toType(DataType.FLOAT64, false).toDoubleArray();
            double[] a = actual.toType(DataType.FLOAT64, false).toDoubleArray();
            for (int k = 0; k < e.length; k++) {
                boolean ok = Double.isNaN(e[k]) ? Double.isNaN(a[k])
                        : e[k] == a[k] || Math.abs(e[k] - a[k]) <= 1e-4 + 1e-3 * Math.abs(e[k]);
                if (!ok) {
                    fail(name + "[" + k + "]: expected " + e[k] + " but was " + a[k] + " (shape " + expected.getShape()
                            + ")");
                }
            }
        } else if (type == DataType.BOOLEAN) {
            assertTrue(Arrays.equals(expected.toBooleanArray(), actual.toBooleanArray()), "values of " + name);
        } else {
            long[] e = expected.toType(DataType.INT64, false).toLongArray();
            long[] a = actual.toType(DataType.INT64, false).toLongArray();
            assertTrue(Arrays.equals(e, a), "values of " + name + ": expected " + Arrays.toString(e) + " but was "
                    + Arrays.toString(a));
        }
    }
}
