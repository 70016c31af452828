package dev.loupe.backend.onnx.bench;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ModelSource;
import dev.loupe.api.Objective;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.Tensor;
import dev.loupe.backend.onnx.OnnxBackend;
import dev.loupe.backend.onnx.graph.Graph;
import dev.loupe.backend.onnx.proto.OnnxReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Forward and forward+backward time per batch: Loupe's ONNX graph backend against DJL TorchScript
 * (the same network on the same libtorch) and ONNX Runtime (forward only); a native-memory check
 * over 10,000 gradient passes; a per-op profile of the graph where it is slow.
 *
 * <p>Not a test: run it with {@code bench/backends.sh}. Arguments: {@code --shared DIR} (the shared
 * folder, default the {@code loupe.shared.dir} property), {@code --models DIR} (resnet18.onnx and
 * resnet18.pt from src/test/python/make_bench_models.py), and optionally {@code --sections
 * rss,table,profile}, {@code --passes N} (the memory check, default 10000), {@code --budget S}
 * (measuring seconds per body and row, default 4), {@code --profile-all true} (profile every case,
 * not only those whose graph forward is above 1.3x TorchScript's; without the table section, the
 * cases with a TorchScript twin are profiled).
 */
public final class BackendBenchmark {
    private static final String ENGINE = "PyTorch";
    /** Loupe's graph forward slower than this many times TorchScript's gets profiled. */
    private static final double PROFILE_ABOVE = 1.3;

    private BackendBenchmark() {
    }

    /** One network under test. */
    private record Case(String name, Path onnx, Path torchScript, long[] item, int[] batches) {
    }

    /** A row of the table: medians in milliseconds (NaN where not measured). */
    private record Row(String model, int batch, double loupeFwd, double loupeFwdBwd, double tsFwd, double tsFwdBwd,
            double ortFwd) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path shared = Path.of(opts.getOrDefault("shared", System.getProperty("loupe.shared.dir", "../../../shared")));
        Path models = Path.of(opts.getOrDefault("models", "target/bench-models"));
        Set<String> sections = new TreeSet<>(Arrays.asList(opts.getOrDefault("sections", "rss,table,profile")
                .split(",")));
        int passes = Integer.parseInt(opts.getOrDefault("passes", "10000"));
        double budget = Double.parseDouble(opts.getOrDefault("budget", "4"));

        Path shapesOnnx = shared.resolve("fixtures/shapes/model.onnx");
        List<Case> cases = List.of(
                new Case("shapes CNN", shapesOnnx, shared.resolve("fixtures/shapes/model.torchscript.pt"),
                        new long[] {3, 64, 64}, new int[] {1, 16}),
                new Case("ppocr cls", shared.resolve("models/ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx"), null,
                        new long[] {3, 48, 192}, new int[] {1, 16}),
                new Case("ResNet-18", models.resolve("resnet18.onnx"), models.resolve("resnet18.pt"),
                        new long[] {3, 224, 224}, new int[] {1, 8}));
        for (Case c : cases) {
            require(c.onnx());
            if (c.torchScript() != null) {
                require(c.torchScript());
            }
        }

        System.out.printf(Locale.ROOT, "machine: %d cores, %s; java %s; ONNX Runtime %s; load average %s%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.version"),
                OrtEnvironment.getEnvironment().getVersion(), loadAverage());
        if (sections.contains("rss")) {
            rss(shapesOnnx, passes);
        }
        List<Row> rows = new ArrayList<>();
        if (sections.contains("table")) {
            for (Case c : cases) {
                for (int batch : c.batches()) {
                    rows.add(measure(c, batch, budget));
                }
            }
            printTable(rows);
        }
        if (sections.contains("profile")) {
            boolean any = false;
            for (Case c : cases) {
                for (int batch : c.batches()) {
                    Row r = rows.stream().filter(x -> x.model().equals(c.name()) && x.batch() == batch).findFirst()
                            .orElse(null);
                    boolean slow = r != null && r.loupeFwd() > PROFILE_ABOVE * r.tsFwd();
                    boolean all = Boolean.parseBoolean(opts.get("profile-all"));
                    if (slow || (r == null && c.torchScript() != null) || all) {
                        profile(c, batch, r);
                        any = true;
                    }
                }
            }
            if (!any) {
                System.out.printf(Locale.ROOT, "%nprofile: no case where the graph forward is above %.1fx"
                        + " TorchScript's; nothing to profile%n", PROFILE_ABOVE);
            }
        }
        System.out.printf(Locale.ROOT, "%nload average at the end: %s%n", loadAverage());
    }

    private static void require(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing " + p + " (bench/backends.sh generates the bench models;"
                    + " --shared names the shared folder)");
        }
    }

    // ------------------------------------------------------------------ harness

    /** A timed body; returns something derived from its outputs, so nothing is optimised away. */
    @FunctionalInterface
    private interface Body {
        float run();
    }

    private static volatile float sink;

    /**
     * Warms every body up (at least 5 runs and 1 s each), then runs them in rounds, one run of each
     * per round (so background load falls on all alike), until the budget is spent and every body
     * has at least 7 timed runs.
     *
     * @return the median milliseconds per body, in order
     */
    private static double[] medians(List<Body> bodies, double budgetSeconds) {
        for (Body b : bodies) {
            long start = System.nanoTime();
            for (int i = 0; i < 5 || System.nanoTime() - start < 1_000_000_000L; i++) {
                sink += b.run();
            }
        }
        List<List<Double>> times = new ArrayList<>();
        bodies.forEach(b -> times.add(new ArrayList<>()));
        long start = System.nanoTime();
        long budget = (long) (budgetSeconds * bodies.size() * 1e9);
        for (int round = 0; round < 7 || (System.nanoTime() - start < budget && round < 500); round++) {
            for (int i = 0; i < bodies.size(); i++) {
                long t0 = System.nanoTime();
                sink += bodies.get(i).run();
                times.get(i).add((System.nanoTime() - t0) / 1e6);
            }
        }
        return times.stream().mapToDouble(BackendBenchmark::median).toArray();
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static float[] randomInput(long[] shape, long seed) {
        long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        float[] data = new float[Math.toIntExact(n)];
        Random r = new Random(seed);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        return data;
    }

    private static long[] batchShape(long[] item, int batch) {
        long[] s = new long[item.length + 1];
        s[0] = batch;
        System.arraycopy(item, 0, s, 1, item.length);
        return s;
    }

    // ------------------------------------------------------------------ the three runtimes

    /** Loupe: predict (float[] in, scores out) and an input-gradient pass of class 0's logit. */
    private static Body loupeForward(ExplainableModel m, float[] data, long[] shape) {
        Tensor input = new Tensor(data, shape);
        return () -> m.predict(input).data()[0];
    }

    private static Body loupeGradient(ExplainableModel m, float[] data, long[] shape) {
        int[] targets = new int[(int) shape[0]];
        return () -> {
            try (NDManager mm = NDManager.newBaseManager(Device.cpu(), ENGINE)) {
                NDArray x = mm.create(data, new Shape(shape));
                PassResult r = m.pass(PassRequest.inputGradient(x, Objective.logit(targets)));
                return r.inputGradient().toFloatArray()[0];
            }
        };
    }

    /** DJL TorchScript: the block's forward, and autograd through the module (kept in eval mode). */
    private static Body tsForward(PtSymbolBlock block, float[] data, long[] shape) {
        return () -> {
            try (NDManager mm = NDManager.newBaseManager(Device.cpu(), ENGINE)) {
                NDArray x = mm.create(data, new Shape(shape));
                NDList out = block.forward(new ParameterStore(mm, false), new NDList(x), false);
                return out.get(0).toFloatArray()[0];
            }
        };
    }

    private static Body tsGradient(PtSymbolBlock block, float[] data, long[] shape) {
        int[] targets = new int[(int) shape[0]];
        return () -> {
            try (NDManager mm = NDManager.newBaseManager(Device.cpu(), ENGINE);
                    GradientCollector collector = Engine.getEngine(ENGINE).newGradientCollector()) {
                NDArray x = mm.create(data, new Shape(shape));
                x.setRequiresGradient(true);
                // training=true only switches autograd on: the module stays in eval mode (IValueUtils, not
                // PtSymbolBlock.forward, which would also put it into train mode)
                NDArray scores = IValueUtils.forward(block, new NDList(x), true).get(0);
                collector.backward(Objective.logit(targets).score(scores));
                return x.getGradient().toFloatArray()[0];
            }
        };
    }

    private static Body ortForward(OrtSession session, float[] data, long[] shape) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        String name = session.getInputNames().iterator().next();
        return () -> {
            try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
                    OrtSession.Result r = session.run(Map.of(name, x))) {
                FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] out = new float[b.remaining()];
                b.get(out);
                return out[0];
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static Model loadTorchScript(Path file) throws IOException, MalformedModelException {
        String name = file.getFileName().toString().replaceFirst("\\.pt$", "");
        Model model = Model.newInstance(name, Device.cpu(), ENGINE);
        // trainParam: weights loaded outside inference mode, so autograd can pass through them
        model.load(file.getParent(), name, Map.of("trainParam", "true"));
        ((PtSymbolBlock) model.getBlock()).freezeParameters(true);
        return model;
    }

    private static OrtSession ortSession(Path onnx) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
        return OrtEnvironment.getEnvironment().createSession(onnx.toString(), o);
    }

    private static Row measure(Case c, int batch, double budget) throws Exception {
        long[] shape = batchShape(c.item(), batch);
        float[] data = randomInput(shape, 42);
        List<Body> bodies = new ArrayList<>();
        ExplainableModel loupe = new OnnxBackend().load(ModelSource.of(c.onnx()));
        Model ts = c.torchScript() == null ? null : loadTorchScript(c.torchScript());
        OrtSession ort = ortSession(c.onnx());
        try {
            // the libtorch bodies (graph and TorchScript share one OpenMP pool) take turns; ONNX
            // Runtime runs on its own, so neither runtime's spinning worker threads slow the other
            bodies.add(loupeForward(loupe, data, shape));
            bodies.add(loupeGradient(loupe, data, shape));
            if (ts != null) {
                PtSymbolBlock block = (PtSymbolBlock) ts.getBlock();
                bodies.add(tsForward(block, data, shape));
                bodies.add(tsGradient(block, data, shape));
            }
            System.out.printf(Locale.ROOT, "measuring %s batch %d ... (load average %s)%n", c.name(), batch,
                    loadAverage());
            double[] m = medians(bodies, budget);
            double ortMs = medians(List.of(ortForward(ort, data, shape)), budget)[0];
            return new Row(c.name(), batch, m[0], m[1], ts == null ? Double.NaN : m[2],
                    ts == null ? Double.NaN : m[3], ortMs);
        } finally {
            loupe.close();
            if (ts != null) {
                ts.close();
            }
            ort.close();
        }
    }

    private static void printTable(List<Row> rows) {
        System.out.println();
        System.out.println("median ms per batch (warm); ratios: onnx-graph / TorchScript, onnx-graph / ORT");
        String head = String.format(Locale.ROOT, "%-11s %5s | %9s %9s | %9s %9s | %9s | %8s %8s | %8s",
                "model", "batch", "graph fwd", "graph f+b", "TS fwd", "TS f+b", "ORT fwd", "fwd/TS", "f+b/TS",
                "fwd/ORT");
        System.out.println(head);
        System.out.println("-".repeat(head.length()));
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-11s %5d | %9s %9s | %9s %9s | %9s | %8s %8s | %8s%n", r.model(),
                    r.batch(), ms(r.loupeFwd()), ms(r.loupeFwdBwd()), ms(r.tsFwd()), ms(r.tsFwdBwd()),
                    ms(r.ortFwd()), ratio(r.loupeFwd(), r.tsFwd()), ratio(r.loupeFwdBwd(), r.tsFwdBwd()),
                    ratio(r.loupeFwd(), r.ortFwd()));
        }
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, v < 10 ? "%.3f" : "%.1f", v);
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) ? "-" : String.format(Locale.ROOT, "%.2fx", a / b);
    }

    // ------------------------------------------------------------------ native memory

    /** @return the resident set size in KiB, from /proc/self/status */
    private static long rssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /** @return the bytes held by the JVM's direct buffers (DJL copies arrays through them) */
    private static long directBytes() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> "direct".equals(b.getName())).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    /**
     * The memory check. DJL copies arrays in and out through direct buffers, whose native memory is
     * freed only when a garbage collection finds them unreachable; a collection before each reading
     * keeps that garbage from passing for a leak (the heap itself is fixed and pre-touched by the
     * script, so RSS growth is native memory that stays).
     */
    private static void rss(Path onnx, int passes) {
        System.out.printf(Locale.ROOT, "%nnative memory: %d forward+backward passes of %s, batch 1, through the ONNX"
                + " backend (input gradient of class 0's logit); System.gc() before each reading%n", passes,
                onnx.getFileName());
        long[] shape = {1, 3, 64, 64};
        float[] data = randomInput(shape, 7);
        List<long[]> readings = new ArrayList<>();
        try (ExplainableModel m = new OnnxBackend().load(ModelSource.of(onnx))) {
            Body pass = loupeGradient(m, data, shape);
            System.out.printf(Locale.ROOT, "%8s %12s %18s%n", "passes", "VmRSS MiB", "direct buffers MiB");
            System.gc();
            System.out.printf(Locale.ROOT, "%8d %12.1f %18.1f%n", 0, rssKiB() / 1024.0, directBytes() / 1048576.0);
            long t0 = System.nanoTime();
            for (int i = 1; i <= passes; i++) {
                sink += pass.run();
                if (i % 1000 == 0) {
                    System.gc();
                    long kib = rssKiB();
                    readings.add(new long[] {i, kib});
                    System.out.printf(Locale.ROOT, "%8d %12.1f %18.1f%n", i, kib / 1024.0, directBytes() / 1048576.0);
                }
            }
            System.out.printf(Locale.ROOT, "%.3f ms per pass on average%n", (System.nanoTime() - t0) / 1e6 / passes);
        }
        if (readings.size() < 2) {
            System.out.println("too few passes to judge growth (need at least 2000)");
            return;
        }
        long[] first = readings.get(0);
        long[] last = readings.get(readings.size() - 1);
        long[] middle = readings.get(readings.size() / 2 - 1);
        long peak = readings.stream().mapToLong(r -> r[1]).max().orElse(last[1]);
        double growth = 100.0 * (peak - first[1]) / first[1];
        System.out.printf(Locale.ROOT, "RSS after %d passes %.1f MiB, peak after that %.1f MiB, at the end %.1f MiB:"
                + " growth after the first %d passes %+.1f%% -> %s%n", first[0], first[1] / 1024.0, peak / 1024.0,
                last[1] / 1024.0, first[0], growth,
                growth > 5 ? "MORE than 5%" : "flat (within 5%)");
        // a leak keeps growing; the allocator's high-water mark (direct-buffer garbage between
        // collections) settles early: the second half tells them apart
        double late = 100.0 * (last[1] - middle[1]) / middle[1];
        double perPass = (last[1] - middle[1]) * 1024.0 / (last[0] - middle[0]);
        System.out.printf(Locale.ROOT, "second half (%d -> %d passes): %+.1f%%, %+.0f bytes per pass -> %s%n",
                middle[0], last[0], late, perPass, late > 2 ? "still growing: a leak?" : "settled: no leak");
    }

    // ------------------------------------------------------------------ profile

    /** Each node's kernel times over timed runs of the graph's steps. */
    private static final class OpTimes {
        final Map<String, List<Double>> byNode = new LinkedHashMap<>();
        final Map<String, String> nodeType = new HashMap<>();

        void add(Graph.Step step, double ms) {
            byNode.computeIfAbsent(step.name(), k -> new ArrayList<>()).add(ms);
            nodeType.put(step.name(), step.opType());
        }

        /** @return each node's median */
        Map<String, Double> nodeMedians() {
            Map<String, Double> m = new LinkedHashMap<>();
            byNode.forEach((n, t) -> m.put(n, median(t)));
            return m;
        }

        /** @return per op type: the sum of its nodes' medians and the node count */
        Map<String, double[]> byType() {
            Map<String, double[]> m = new LinkedHashMap<>();
            nodeMedians().forEach((n, t) -> {
                double[] v = m.computeIfAbsent(nodeType.get(n), k -> new double[2]);
                v[0] += t;
                v[1]++;
            });
            return m;
        }

        double total() {
            return nodeMedians().values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    /** Runs the steps as Graph.run does (values first, then constants), timing each kernel. */
    private static NDArray timedRun(Graph graph, String inputName, NDArray x, String outputName, OpTimes times) {
        Map<String, NDArray> values = new HashMap<>();
        values.put(inputName, x);
        Map<String, NDArray> constants = graph.constants();
        for (Graph.Step step : graph.steps()) {
            List<String> names = step.node().inputs();
            NDArray[] in = new NDArray[names.size()];
            for (int i = 0; i < in.length; i++) {
                String n = names.get(i);
                if (!n.isEmpty()) {
                    NDArray v = values.get(n);
                    in[i] = v != null ? v : constants.get(n);
                }
            }
            long t0 = System.nanoTime();
            NDArray[] out = step.kernel().apply(in);
            if (times != null) {
                times.add(step, (System.nanoTime() - t0) / 1e6);
            }
            List<String> outs = step.node().outputs();
            for (int i = 0; i < outs.size() && i < out.length; i++) {
                if (!outs.get(i).isEmpty()) {
                    values.put(outs.get(i), out[i]);
                }
            }
        }
        return values.get(outputName);
    }

    private static void profile(Case c, int batch, Row row) throws Exception {
        long[] shape = batchShape(c.item(), batch);
        float[] data = randomInput(shape, 42);
        System.out.printf(Locale.ROOT, "%nprofile: %s batch %d%s%n", c.name(), batch, row == null ? ""
                : String.format(Locale.ROOT, " (graph fwd %s ms vs TorchScript %s ms = %s)", ms(row.loupeFwd()),
                        ms(row.tsFwd()), ratio(row.loupeFwd(), row.tsFwd())));
        NDManager constants = NDManager.newBaseManager(Device.cpu(), ENGINE);
        Graph graph = Graph.compile(OnnxReader.readModel(c.onnx()), c.onnx().toAbsolutePath().getParent(), constants);
        String inputName = graph.inputs().get(0).name();
        String outputName = graph.outputs().get(0).name();
        Model ts = c.torchScript() == null ? null : loadTorchScript(c.torchScript());
        try {
            OpTimes fwd = new OpTimes();
            OpTimes grad = new OpTimes();
            // the split: graph.run alone, step kernels alone, the ExplainableModel around it; backward alone
            List<Body> bodies = new ArrayList<>();
            bodies.add(() -> {
                try (NDManager mm = NDManager.newBaseManager(Device.cpu(), ENGINE); NDScope s = new NDScope()) {
                    NDArray x = mm.create(data, new Shape(shape));
                    return graph.run(Map.of(inputName, x), null).get(outputName).toFloatArray()[0];
                }
            });
            bodies.add(() -> {
                try (NDManager mm = NDManager.newBaseManager(Device.cpu(), ENGINE); NDScope s = new NDScope()) {
                    NDArray x = mm.create(data, new Shape(shape));
                    return timedRun(graph, inputName, x, outputName, null).toFloatArray()[0];
                }
            });
            List<Double> backwardMs = new ArrayList<>();
            bodies.add(() -> {
                try (NDManager mm = NDManager.newBaseManager(Device.cpu(), ENGINE); NDScope s = new NDScope();
                        GradientCollector collector = Engine.getEngine(ENGINE).newGradientCollector()) {
                    NDArray x = mm.create(data, new Shape(shape));
                    x.setRequiresGradient(true);
                    NDArray out = timedRun(graph, inputName, x, outputName, null);
                    NDArray objective = Objective.logit(new int[batch]).score(out);
                    long t0 = System.nanoTime();
                    collector.backward(objective);
                    float g = x.getGradient().toFloatArray()[0];
                    backwardMs.add((System.nanoTime() - t0) / 1e6);
                    return g;
                }
            });
            if (ts != null) {
                PtSymbolBlock block = (PtSymbolBlock) ts.getBlock();
                bodies.add(tsForward(block, data, shape));
            }
            double[] m = medians(bodies, 2);
            int runs = (int) Math.max(7, Math.min(40, 3000 / m[1]));
            // per-step times, forward without and with autograd recording
            for (int r = 0; r < runs; r++) {
                try (NDManager mm = NDManager.newBaseManager(Device.cpu(), ENGINE); NDScope s = new NDScope()) {
                    timedRun(graph, inputName, mm.create(data, new Shape(shape)), outputName, fwd);
                }
                try (NDManager mm = NDManager.newBaseManager(Device.cpu(), ENGINE); NDScope s = new NDScope();
                        GradientCollector collector = Engine.getEngine(ENGINE).newGradientCollector()) {
                    NDArray x = mm.create(data, new Shape(shape));
                    x.setRequiresGradient(true);
                    timedRun(graph, inputName, x, outputName, grad);
                }
            }
            double stepSum = fwd.total();
            double stepSumGrad = grad.total();
            double bwd = median(backwardMs.subList(backwardMs.size() / 2, backwardMs.size()));
            System.out.printf(Locale.ROOT, "  %d steps; medians: Graph.run %s ms, step loop %s ms%s; sum of the steps'"
                    + " median kernel times %s ms (%s ms with autograd recording); backward alone %s ms%n",
                    graph.steps().size(), ms(m[0]), ms(m[1]), ts == null ? ""
                            : ", TorchScript forward " + ms(m[3]) + " ms",
                    ms(stepSum), ms(stepSumGrad), ms(bwd));
            Map<String, double[]> gradTypes = grad.byType();
            System.out.println("  by op type (forward; ms per pass as the sum of node medians, share; with autograd"
                    + " recording):");
            String line = "    %-20s %4d nodes %9s ms %5.1f%% | %9s ms%n";
            fwd.byType().entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]))
                    .limit(10).forEach(e -> System.out.printf(Locale.ROOT, line,
                            e.getKey(), (int) e.getValue()[1], ms(e.getValue()[0]), 100 * e.getValue()[0] / stepSum,
                            ms(gradTypes.get(e.getKey())[0])));
            System.out.println("  slowest nodes (forward, median ms):");
            fwd.nodeMedians().entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                    .limit(8).forEach(e -> System.out.printf(Locale.ROOT, "    %-48s %-18s %9s ms%n", e.getKey(),
                            fwd.nodeType.get(e.getKey()), ms(e.getValue())));
        } finally {
            graph.close();
            if (ts != null) {
                ts.close();
            }
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }
}
