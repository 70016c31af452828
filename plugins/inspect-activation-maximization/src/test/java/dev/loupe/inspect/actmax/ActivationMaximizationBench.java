package dev.loupe.inspect.actmax;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Inspection;
import dev.loupe.api.InspectionRequest;
import dev.loupe.api.ModelSource;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.PassRequest;
import dev.loupe.backend.onnx.OnnxBackend;
import dev.loupe.render.Png;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Steps per second of activation maximisation next to the plain forward + backward pass of the same
 * batch (PassRequest.inputGradient on a random input), on the shapes model and on ResNet-18 at 224×224.
 * Runs only with {@code -Dloupe.bench=true}; prints the figures and writes the figures to
 * {@code target/bench-out}. Not an assertion on time.
 */
class ActivationMaximizationBench {

    @Test
    void shapes() throws Exception {
        assumeTrue(Boolean.getBoolean("loupe.bench"), "benchmark: run with -Dloupe.bench=true");
        try (ExplainableModel model = Shapes.model()) {
            bench("shapes 3x64x64, 4 classes (batch 4)", model, 4, 3, 64, 64, 32, null, "steps=32");
            bench("shapes 3x64x64, 1 class (batch 1)", model, 1, 3, 64, 64, 32, 2, "steps=32");
        }
    }

    @Test
    void resnet18() throws Exception {
        assumeTrue(Boolean.getBoolean("loupe.bench"), "benchmark: run with -Dloupe.bench=true");
        Path file = Path.of(System.getProperty("loupe.resnet18",
                "../backend-onnx/target/bench-models/resnet18.onnx"));
        assumeTrue(Files.exists(file), "no " + file + ": build it with plugins/backend-onnx/src/test/python/"
                + "make_bench_models.py");
        try (ExplainableModel model = new OnnxBackend().load(ModelSource.of(file))) {
            String[] imagenet = {"mean=0.485,0.456,0.406", "std=0.229,0.224,0.225"};
            bench("resnet18 3x224x224, 1 image", model, 1, 3, 224, 224, 4, 1, "steps=4", imagenet[0], imagenet[1]);
            bench("resnet18 3x224x224, 4 images", model, 4, 3, 224, 224, 3, 1, "steps=3", "images=4", imagenet[0],
                    imagenet[1]);
        }
    }

    private static double min(double[] v) {
        return java.util.Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    private static void bench(String what, ExplainableModel model, int batch, int c, int h, int w, int steps,
            Integer target, String... params) throws Exception {
        ActivationMaximization inspector = new ActivationMaximization();
        Map<String, String> raw = new LinkedHashMap<>();
        for (String p : params) {
            String[] kv = p.split("=", 2);
            raw.put(kv[0], kv[1]);
        }
        Map<String, Object> resolved = ParameterSpec.resolve(ActivationMaximization.ID,
                inspector.descriptor().parameters(), raw);
        InspectionRequest request = new InspectionRequest(null, null, List.of(), null, List.of(), null, target,
                resolved);
        // warm-up (JIT, libtorch's first passes)
        Map<String, String> warm = new LinkedHashMap<>(raw);
        warm.put("steps", "2");
        inspector.inspect(model, new InspectionRequest(null, null, List.of(), null, List.of(), null, target,
                ParameterSpec.resolve(ActivationMaximization.ID, inspector.descriptor().parameters(), warm)),
                new TestContext(64));
        // the plain forward + backward of the same batch
        Random random = new Random(0);
        float[] x = new float[batch * c * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        int[] targets = new int[batch];
        for (int i = 0; i < batch; i++) {
            targets[i] = target == null ? i : target;
        }
        // rounds alternate the two measurements; the machine may be shared, so the minimum over rounds
        // is reported beside the median
        int rounds = 3;
        double[] step = new double[rounds];
        double[] pass = new double[rounds];
        double[] plain = new double[rounds];
        Inspection r = null;
        for (int round = 0; round < rounds; round++) {
            r = inspector.inspect(model, request, new TestContext(64));
            step[round] = ((Number) r.details().get("millisPerStep")).doubleValue();
            pass[round] = ((Number) r.details().get("passMillisPerStep")).doubleValue();
            int reps = Math.max(3, steps);
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                try (NDManager m = model.newManager()) {
                    NDArray xi = m.create(x, new Shape(batch, c, h, w));
                    model.pass(PassRequest.inputGradient(xi, Objective.logit(targets))).inputGradient().toFloatArray();
                }
            }
            plain[round] = (System.nanoTime() - t0) / 1e6 / reps;
        }
        double msPerStep = min(step);
        double passPerStep = min(pass);
        double plainMs = min(plain);
        System.out.printf(java.util.Locale.ROOT,
                "BENCH %s: %.1f ms/step = %.2f steps/s (the model's pass %.1f ms of it, Java-side "
                        + "parameterisation/transforms/Adam %.1f ms); plain forward+backward of the batch %.1f ms; "
                        + "ratio step/plain %.2f; medians: step %.1f ms, plain %.1f ms (min of %d rounds, %d threads, "
                        + "%s)%n",
                what, msPerStep, 1000 / msPerStep, passPerStep, msPerStep - passPerStep, plainMs,
                msPerStep / plainMs, median(step), median(plain), rounds,
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"));
        Path out = Path.of("target/bench-out");
        Files.createDirectories(out);
        String name = what.replaceAll("[^A-Za-z0-9]+", "-");
        Png.write(r.figures().get("images"), out.resolve(name + "-images.png"));
        Png.write(r.figures().get("curve"), out.resolve(name + "-curve.png"));
        System.out.println(r.tables().get("images"));
    }
}
