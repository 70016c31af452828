package dev.loupe.distribution.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.Attribution;
import dev.loupe.api.Cancellation;
import dev.loupe.api.Capability;
import dev.loupe.api.ComputeService;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.ForwardingModel;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.ModelSource;
import dev.loupe.api.Npy;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.ProgressListener;
import dev.loupe.api.SerialComputeService;
import dev.loupe.api.Tensor;
import dev.loupe.backend.onnx.OnnxBackend;
import dev.loupe.method.ablationcam.AblationCam;
import dev.loupe.method.cam.Cam;
import dev.loupe.method.deconvnet.Deconvnet;
import dev.loupe.method.deeplift.DeepLift;
import dev.loupe.method.eigencam.EigenCam;
import dev.loupe.method.eigencam.EigenGradCam;
import dev.loupe.method.excitationbackprop.ContrastiveExcitationBackprop;
import dev.loupe.method.excitationbackprop.ExcitationBackprop;
import dev.loupe.method.featureablation.FeatureAblation;
import dev.loupe.method.gradcam.GradCam;
import dev.loupe.method.gradcamplusplus.GradCamPlusPlus;
import dev.loupe.method.gradientshap.GradientShap;
import dev.loupe.method.guidedbackprop.GuidedBackprop;
import dev.loupe.method.guidedgradcam.GuidedGradCam;
import dev.loupe.method.hirescam.HiResCam;
import dev.loupe.method.inputxgradient.InputXGradient;
import dev.loupe.method.integratedgradients.IntegratedGradients;
import dev.loupe.method.kernelshap.KernelShap;
import dev.loupe.method.layercam.LayerCam;
import dev.loupe.method.lime.Lime;
import dev.loupe.method.lrp.Lrp;
import dev.loupe.method.occlusion.Occlusion;
import dev.loupe.method.rise.Rise;
import dev.loupe.method.saliency.Gradient;
import dev.loupe.method.saliency.Saliency;
import dev.loupe.method.scorecam.ScoreCam;
import dev.loupe.method.shapleysampling.ShapleySampling;
import dev.loupe.method.smoothgrad.SmoothGrad;
import dev.loupe.method.xgradcam.XGradCam;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The gradient, CAM, modified-backward and perturbation methods' time next to the time of the same
 * passes done plainly (a rule pass replayed as a fused forward+backward; target 1.5 for the relevance
 * family, whose conservation figures are printed too; the perturbation methods' evaluations per second
 * against plain batched forwards, target 0.9): each method runs
 * on the shapes demo model and on ResNet-18 at 224×224, and its passes (recorded from a warm-up
 * run: batch sizes, gradient or forward-only, objectives) are replayed as plain batched
 * {@code model.pass} calls on inputs made from Java arrays, as the methods make theirs. The ratio
 * method / plain is what the method adds: writing points, copying, accumulating. The target is
 * at most 1.15 for IG-50 and SmoothGrad-50, and 1.2 for the gradient CAMs, whose one pass (capture and
 * backward to the layer) is replayed as a plain forward+backward to the input; Score-CAM's and
 * Ablation-CAM's forward passes are replayed as plain forward passes. A memory section reads the peak RSS of Integrated
 * Gradients at 224×224 for growing step counts: it should follow the batch plan, not the steps.
 *
 * <p>Not a test: run it with {@code distribution/bench/methods.sh}. Arguments, all optional:
 * {@code --shared DIR} (the shared folder), {@code --models DIR} (resnet18.onnx),
 * {@code --sections table,memory}, {@code --cases shapes,resnet18}, {@code --methods ID,...},
 * {@code --batch B} (the compute service's batch, default 32), {@code --steps S} (IG steps and
 * SmoothGrad / GradientSHAP samples, default 50), {@code --resnet-inputs 1,4}, {@code --reps R}
 * (timed repetitions per row, default 5), {@code --budget S} (seconds per row after which no
 * repetition starts once 3 are done, default 20), {@code --warmup W} (untimed runs of each body
 * after the recording run, which warms both up; default 0), {@code --memory-steps 10,50,200},
 * {@code --memory-inputs N} (default 1), {@code --memory-runs N} (fresh JVMs per step count,
 * default 2), {@code --verbose true} (every repetition's times).
 */
public final class MethodBenchmark {
    /** The target ratio for IG-50 and SmoothGrad-50. */
    private static final double GRADIENT_TARGET = 1.15;
    /** The target ratio for the gradient CAMs (one capture pass against a forward+backward). */
    private static final double CAM_TARGET = 1.2;
    /** The target ratio for the modified-backward methods (rule-driven backward walks). */
    private static final double RELEVANCE_TARGET = 1.5;
    /** The perturbation methods' target: at least 0.9 of the plain batched forward throughput. */
    private static final double PERTURBATION_TARGET = 1 / 0.9;

    private MethodBenchmark() {
    }

    /** A method under test: id, the parameters given, a short label for the table, its target ratio or NaN. */
    private record MethodCase(String id, Map<String, String> params, String label, double target) {
    }

    /** One pass a method made: its input shape, whether it had a backward pass, its objective. */
    private record Call(long[] shape, boolean gradient, Objective objective) {
    }

    /** A row of the table: milliseconds, medians and bests. */
    private record Row(String model, int inputs, int batch, MethodCase method, int gradRows, int fwdRows, int passes,
            double methodMs, double plainMs, double methodMin, double plainMin, double methodPassMs,
            double plainPassMs, int reps) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path shared = Path.of(opts.getOrDefault("shared", System.getProperty("loupe.shared.dir", "../../shared")));
        Path models = Path.of(opts.getOrDefault("models", "../plugins/backend-onnx/target/bench-models"));
        List<String> sections = list(opts.getOrDefault("sections", "table,memory"));
        List<String> cases = list(opts.getOrDefault("cases", "shapes,resnet18"));
        int batch = Integer.parseInt(opts.getOrDefault("batch", "32"));
        String steps = opts.getOrDefault("steps", "50");
        int reps = Integer.parseInt(opts.getOrDefault("reps", "5"));
        double budget = Double.parseDouble(opts.getOrDefault("budget", "20"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "0"));
        verbose = Boolean.parseBoolean(opts.getOrDefault("verbose", "false"));

        Map<String, Explainer> installed = new LinkedHashMap<>();
        for (Explainer e : List.of(new Saliency(), new Gradient(), new InputXGradient(), new IntegratedGradients(),
                new SmoothGrad(), new GradientShap(), new Cam(), new GradCam(), new GradCamPlusPlus(), new XGradCam(),
                new LayerCam(), new HiResCam(), new ScoreCam(), new EigenCam(), new EigenGradCam(), new AblationCam(),
                new GuidedBackprop(), new Deconvnet(), new GuidedGradCam(), new DeepLift(), new Lrp(),
                new ExcitationBackprop(), new ContrastiveExcitationBackprop(), new Occlusion(), new FeatureAblation(),
                new Rise(), new Lime(), new KernelShap(), new ShapleySampling())) {
            installed.put(e.descriptor().id(), e);
        }
        // the context a host would lend: a serial compute service and the installed methods
        ExplanationContext context = ExplanationContext.of(new SerialComputeService(batch), ProgressListener.NONE,
                Cancellation.NEVER, id -> Optional.ofNullable(installed.get(id)));
        List<MethodCase> methods = new ArrayList<>();
        for (String id : list(opts.getOrDefault("methods", String.join(",", installed.keySet())))) {
            methods.add(switch (id) {
                case IntegratedGradients.ID -> new MethodCase(id, Map.of("steps", steps), "IG-" + steps, GRADIENT_TARGET);
                case SmoothGrad.ID -> new MethodCase(id, Map.of("samples", steps), "SmoothGrad-" + steps, GRADIENT_TARGET);
                case GradientShap.ID -> new MethodCase(id, Map.of("samples", steps), "GradientSHAP-" + steps, Double.NaN);
                case Occlusion.ID -> new MethodCase(id, Map.of("window", "16,16", "stride", "8,8"), "occlusion-16/8",
                        PERTURBATION_TARGET);
                case Rise.ID -> new MethodCase(id, Map.of("masks", "4000"), "RISE-4000", PERTURBATION_TARGET);
                case KernelShap.ID -> new MethodCase(id, Map.of("samples", "2000"), "KernelSHAP-2000",
                        PERTURBATION_TARGET);
                default -> {
                    if (!installed.containsKey(id)) {
                        throw new IllegalArgumentException("unknown method " + id + "; known: " + installed.keySet());
                    }
                    MethodDescriptor d = installed.get(id).descriptor();
                    boolean gradientCam = d.family().equals("cam") && d.requires().contains(Capability.LAYER_GRADIENT);
                    double target = gradientCam ? CAM_TARGET : d.family().equals("relevance") ? RELEVANCE_TARGET
                            : Double.NaN;
                    yield new MethodCase(id, Map.of(), id, target);
                }
            });
        }
        Path shapesOnnx = shared.resolve("fixtures/shapes/model.onnx");
        Path resnetOnnx = models.resolve("resnet18.onnx");
        require(cases.contains("shapes") && sections.contains("table"), shapesOnnx);
        require(cases.contains("resnet18") || sections.contains("memory") || sections.contains("memory-run"),
                resnetOnnx);
        if (sections.contains("memory-run")) {
            // a child of the memory section: one run, one line, no banner
            memoryRun(resnetOnnx, context, Integer.parseInt(opts.get("memory-steps")),
                    Integer.parseInt(opts.get("memory-warmup")), Integer.parseInt(opts.get("memory-inputs")));
            return;
        }

        System.out.printf(Locale.ROOT, "machine: %d cores, %s; java %s; heap %d MiB; load average %s%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20, loadAverage());
        System.out.printf(Locale.ROOT, "compute: SerialComputeService(%d); %d timed repetitions per row at most"
                + " (at least 3 unless fewer asked; none starts after %.0f s once 3 are done); warm-up: the recording"
                + " run%s%n", batch, reps, budget, warmup == 0 ? "" : " and " + warmup + " more of each");

        if (sections.contains("memory")) {
            memory(models, ints(opts.getOrDefault("memory-steps", "10,50,200")),
                    Integer.parseInt(opts.getOrDefault("memory-inputs", "1")), batch,
                    Integer.parseInt(opts.getOrDefault("memory-runs", "2")));
        }
        if (sections.contains("table")) {
            List<Row> rows = new ArrayList<>();
            if (cases.contains("shapes")) {
                try (TimedModel model = new TimedModel(new OnnxBackend().load(ModelSource.of(shapesOnnx)))) {
                    Tensor inputs = Npy.readFloats(shared.resolve("fixtures/shapes/inputs.npy"));
                    int[] targets = Arrays.stream(Npy.readLongs(shared.resolve("fixtures/shapes/labels.npy")))
                            .mapToInt(Math::toIntExact).toArray();
                    for (MethodCase m : methods) {
                        rows.add(measure("shapes", model, inputs, targets, m, context, batch, reps, budget, warmup));
                    }
                }
            }
            if (cases.contains("resnet18")) {
                try (TimedModel model = new TimedModel(new OnnxBackend().load(ModelSource.of(resnetOnnx)))) {
                    for (int n : ints(opts.getOrDefault("resnet-inputs", "1,4"))) {
                        Tensor inputs = randomInputs(n, new long[] {3, 224, 224}, 42);
                        int[] targets = top1(model, inputs);
                        for (MethodCase m : methods) {
                            rows.add(measure("ResNet-18", model, inputs, targets, m, context, batch, reps, budget,
                                    warmup));
                        }
                    }
                }
            }
            printTable(rows);
        }
        System.out.printf(Locale.ROOT, "%nload average at the end: %s%n", loadAverage());
    }

    private static void require(boolean needed, Path p) {
        if (needed && !Files.isRegularFile(p)) {
            throw new IllegalStateException("missing " + p + " (distribution/bench/methods.sh generates the ResNet-18"
                    + " model; --shared names the shared folder, --models the folder of resnet18.onnx)");
        }
    }

    // ------------------------------------------------------------------ the model, timed

    /**
     * The loaded model, passing everything through; it adds up the time spent in {@link #pass}
     * and, while recording, notes each pass's shape, kind and objective.
     */
    private static final class TimedModel extends ForwardingModel {
        private long passNanos;
        private List<Call> recorded;

        TimedModel(ExplainableModel model) {
            super(model);
        }

        @Override
        public PassResult pass(PassRequest request) {
            long t0 = System.nanoTime();
            try {
                return delegate.pass(request);
            } finally {
                passNanos += System.nanoTime() - t0;
                if (recorded != null) {
                    recorded.add(new Call(request.input().getShape().getShape(), request.objective() != null
                            && (request.inputGradient() || !request.captureLayers().isEmpty()), request.objective()));
                }
            }
        }
    }

    // ------------------------------------------------------------------ harness

    /** A timed body; returns something derived from its outputs, so nothing is optimised away. */
    @FunctionalInterface
    private interface Body {
        float run();
    }

    private static volatile float sink;
    /** Print every repetition's times. */
    private static boolean verbose;

    private static ExplanationRequest request(MethodCase m, Explainer e, int[] targets) {
        return new ExplanationRequest(Objective.logit(targets), List.of(),
                ParameterSpec.resolve(m.id(), e.descriptor().parameters(), m.params()));
    }

    /**
     * Replays a method's passes plainly: the same batch sizes, kinds and objectives, each batch's
     * input created from a Java array on a fresh manager, the gradient (or, forward-only, the
     * objective) read back into Java memory.
     */
    private static Body plain(ExplainableModel model, List<Call> calls, Tensor inputs) {
        Map<Long, float[]> data = new HashMap<>();
        for (Call c : calls) {
            long size = Arrays.stream(c.shape()).reduce(1, (a, b) -> a * b);
            data.computeIfAbsent(size, s -> {
                // the method's inputs repeated, so the values are realistic
                float[] v = new float[Math.toIntExact(s)];
                for (int p = 0; p < v.length; p++) {
                    v[p] = inputs.data()[p % inputs.data().length];
                }
                return v;
            });
        }
        return () -> {
            float s = 0;
            for (Call c : calls) {
                try (NDManager m = model.newManager()) {
                    float[] v = data.get(Arrays.stream(c.shape()).reduce(1, (a, b) -> a * b));
                    NDArray x = m.create(v, new Shape(c.shape()));
                    if (c.gradient()) {
                        s += model.pass(PassRequest.inputGradient(x, c.objective())).inputGradient().toFloatArray()[0];
                    } else {
                        // a forward pass that only captured layers had no objective: read the output
                        PassResult r = model.pass(new PassRequest(x, c.objective(), List.of(), false, Map.of(), null));
                        s += (r.objective() != null ? r.objective() : r.output()).toFloatArray()[0];
                    }
                }
            }
            return s;
        };
    }

    /**
     * One row: a recording run of the method (the warm-up: the plain body replays the same passes),
     * optionally more warm-up runs of both bodies, then rounds of one method run and one plain run,
     * in alternating order, so background load falls on both alike.
     */
    private static Row measure(String modelName, TimedModel model, Tensor inputs, int[] targets, MethodCase m,
            ExplanationContext context, int batch, int reps, double budget, int warmup) {
        Explainer e = context.method(m.id()).orElseThrow();
        ExplanationRequest request = request(m, e, targets);
        System.out.printf(Locale.ROOT, "measuring %s on %s, %d inputs ... (load average %s)%n", m.label(), modelName,
                inputs.batchSize(), loadAverage());
        model.recorded = new ArrayList<>();
        Attribution recorded = e.explain(model, inputs, request, context);
        sink += recorded.map().data()[0];
        printConservation(recorded);
        List<Call> calls = model.recorded;
        model.recorded = null;
        Body method = () -> e.explain(model, inputs, request, context).map().data()[0];
        Body plain = plain(model, calls, inputs);
        for (int i = 0; i < warmup; i++) {
            sink += method.run();
            sink += plain.run();
        }
        List<Double> methodMs = new ArrayList<>();
        List<Double> plainMs = new ArrayList<>();
        List<Double> methodPassMs = new ArrayList<>();
        List<Double> plainPassMs = new ArrayList<>();
        long start = System.nanoTime();
        for (int round = 0; round < reps && (round < 3 || System.nanoTime() - start < budget * 1e9); round++) {
            for (int k = 0; k < 2; k++) {
                boolean methodTurn = (round + k) % 2 == 0;
                long passes0 = model.passNanos;
                long t0 = System.nanoTime();
                sink += (methodTurn ? method : plain).run();
                double ms = (System.nanoTime() - t0) / 1e6;
                double passMs = (model.passNanos - passes0) / 1e6;
                (methodTurn ? methodMs : plainMs).add(ms);
                (methodTurn ? methodPassMs : plainPassMs).add(passMs);
                if (verbose) {
                    System.out.printf(Locale.ROOT, "    %s %s ms (in passes %s ms)%n", methodTurn ? "method" : "plain ",
                            ms(ms), ms(passMs));
                }
            }
        }
        int gradRows = calls.stream().filter(Call::gradient).mapToInt(c -> (int) c.shape()[0]).sum();
        int fwdRows = calls.stream().filter(c -> !c.gradient()).mapToInt(c -> (int) c.shape()[0]).sum();
        Row r = new Row(modelName, inputs.batchSize(), batch, m, gradRows, fwdRows, calls.size(), median(methodMs),
                median(plainMs), min(methodMs), min(plainMs), median(methodPassMs), median(plainPassMs),
                methodMs.size());
        System.out.printf(Locale.ROOT, "  %s ms vs plain %s ms = %s (%d reps)%n", ms(r.methodMs()), ms(r.plainMs()),
                ratio(r.methodMs(), r.plainMs()), r.reps());
        return r;
    }

    /** What the method says it conserves: a convergence delta, LRP's ratios, the probability mass. */
    private static void printConservation(Attribution a) {
        if (a.convergenceDelta() != null) {
            System.out.printf(Locale.ROOT, "  convergence delta (sum of the map - explained difference): %s%n",
                    Arrays.toString(Arrays.stream(a.convergenceDelta()).mapToObj(d -> String.format(Locale.ROOT,
                            "%.2e", d)).toArray()));
        }
        for (String key : List.of("conservation", "probabilityMass")) {
            Object v = a.details().get(key);
            if (v != null) {
                System.out.printf(Locale.ROOT, "  %s: %s%n", key, v);
            }
        }
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static void printTable(List<Row> rows) {
        System.out.println();
        System.out.println("ms per explanation (warm), median and best of the repetitions. plain: the method's passes"
                + " (same batches, kinds and objectives) as bare model.pass calls; evaluations: gradient rows +"
                + " forward-only rows (passes); in passes: median time inside model.pass; target: median ratio");
        String head = String.format(Locale.ROOT,
                "%-16s %-9s %6s %5s | %-16s | %10s %10s %7s | %10s %10s %7s | %10s %10s | %4s %s", "method", "model",
                "inputs", "batch", "evaluations", "method ms", "plain ms", "ratio", "best m.", "best pl.", "ratio",
                "in passes", "plain in p.", "reps", "target");
        System.out.println(head);
        System.out.println("-".repeat(head.length() + 10));
        for (Row r : rows) {
            double target = r.method().target();
            String verdict = Double.isNaN(target) ? ""
                    : String.format(Locale.ROOT, r.methodMs() / r.plainMs() <= target ? "ok (<= %.2f)" : "ABOVE %.2f",
                            target);
            System.out.printf(Locale.ROOT,
                    "%-16s %-9s %6d %5d | %-16s | %10s %10s %7s | %10s %10s %7s | %10s %10s | %4d %s%n",
                    r.method().label(), r.model(), r.inputs(), r.batch(),
                    r.gradRows() + "+" + r.fwdRows() + " (" + r.passes() + ")", ms(r.methodMs()), ms(r.plainMs()),
                    ratio(r.methodMs(), r.plainMs()), ms(r.methodMin()), ms(r.plainMin()),
                    ratio(r.methodMin(), r.plainMin()), ms(r.methodPassMs()), ms(r.plainPassMs()), r.reps(), verdict);
        }
        for (Row r : rows) {
            if (r.gradRows() == 0 && r.fwdRows() > 0) {
                System.out.printf(Locale.ROOT, "  %-16s %-9s %2d inputs: %.0f evaluations/s vs %.0f plain batched "
                        + "forward = %.3f of its throughput%n", r.method().label(), r.model(), r.inputs(),
                        r.fwdRows() / (r.methodMs() / 1000), r.fwdRows() / (r.plainMs() / 1000),
                        r.plainMs() / r.methodMs());
            }
        }
        System.out.println("outside passes (method ms - in passes; plain likewise): what the method adds beyond the"
                + " passes themselves");
        for (Row r : rows) {
            double methodOut = r.methodMs() - r.methodPassMs();
            double plainOut = r.plainMs() - r.plainPassMs();
            System.out.printf(Locale.ROOT, "  %-16s %-9s %2d inputs: method %s ms (%.1f%% of its time), plain %s ms;"
                    + " in passes %s%n", r.method().label(), r.model(), r.inputs(), ms(methodOut),
                    100 * methodOut / r.methodMs(), ms(plainOut), ratio(r.methodPassMs(), r.plainPassMs()));
        }
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, Math.abs(v) < 10 ? "%.2f" : "%.1f", v);
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) ? "-" : String.format(Locale.ROOT, "%.3fx", a / b);
    }

    // ------------------------------------------------------------------ inputs

    private static Tensor randomInputs(int n, long[] item, long seed) {
        long[] shape = new long[item.length + 1];
        shape[0] = n;
        System.arraycopy(item, 0, shape, 1, item.length);
        float[] data = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
        Random r = new Random(seed);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        return new Tensor(data, shape);
    }

    /** @return each input's highest-scoring class */
    private static int[] top1(ExplainableModel model, Tensor inputs) {
        Tensor scores = model.predict(inputs);
        int n = inputs.batchSize();
        int classes = scores.data().length / n;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            for (int c = 1; c < classes; c++) {
                if (scores.data()[i * classes + c] > scores.data()[i * classes + out[i]]) {
                    out[i] = c;
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ native memory

    /** @return a field of /proc/self/status in KiB, e.g. {@code VmHWM} */
    private static long statusKiB(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no " + field + " in /proc/self/status");
    }

    /** Resets VmHWM to the current RSS (Linux 4.0+); @return whether the kernel allowed it */
    private static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static long directBytes() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> "direct".equals(b.getName())).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    /**
     * Peak RSS of Integrated Gradients on ResNet-18 at 224×224 for each step count, each in a fresh
     * JVM (this one's flags and class path), so no run starts from memory an earlier one left with
     * the allocator. The Java heap is fixed and touched up front by the script: what differs is
     * native memory.
     */
    private static void memory(Path models, int[] stepCounts, int inputs, int batch, int runs) throws IOException,
            InterruptedException {
        System.out.printf(Locale.ROOT, "%nnative memory: Integrated Gradients on ResNet-18 at 224x224, %d input(s),"
                + " batch plan SerialComputeService(%d), %d round(s) of one fresh JVM per step count: after a warm-up"
                + " run at %d steps, a collection and a reset of VmHWM, the peak RSS of one run%n", inputs, batch,
                runs, Arrays.stream(stepCounts).min().orElse(1));
        System.out.printf(Locale.ROOT, "%6s %11s %8s %8s | %9s %9s %9s %10s | %11s | %7s%n", "steps", "evaluations",
                "largest", "batches", "RSS MiB", "peak MiB", "peak-RSS", "RSS after", "direct max", "seconds");
        List<long[]> peaks = new ArrayList<>();
        for (int round = 0; round < runs; round++) {
            for (int steps : stepCounts) {
                List<String> cmd = new ArrayList<>();
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
                cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), MethodBenchmark.class.getName(),
                        "--sections", "memory-run", "--models", models.toAbsolutePath().toString(), "--batch",
                        String.valueOf(batch), "--memory-inputs", String.valueOf(inputs), "--memory-steps",
                        String.valueOf(steps), "--memory-warmup", String.valueOf(Arrays.stream(stepCounts).min()
                                .orElse(1))));
                Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                String result = null;
                for (String line : new String(child.getInputStream().readAllBytes()).split("\n")) {
                    if (line.startsWith("memory-run ")) {
                        result = line;
                    } else if (!line.isBlank()) {
                        System.out.println("  (child) " + line);
                    }
                }
                if (child.waitFor() != 0 || result == null) {
                    System.out.printf(Locale.ROOT, "%6d   the run failed (exit %d)%n", steps, child.exitValue());
                    continue;
                }
                // memory-run steps rows largest batches before peak after directMax seconds reset
                String[] f = result.split(" ");
                long[] v = Arrays.stream(f, 1, 9).mapToLong(Long::parseLong).toArray();
                peaks.add(new long[] {v[0], v[2], v[5], v[4], v[7] / 1024});
                System.out.printf(Locale.ROOT, "%6d %11d %8d %8d | %9.1f %9.1f %+9.1f %10.1f | %7.1f MiB | %7s%s%n",
                        v[0], v[1], v[2], v[3], v[4] / 1024.0, v[5] / 1024.0, (v[5] - v[4]) / 1024.0, v[6] / 1024.0,
                        v[7] / 1048576.0, f[9], Boolean.parseBoolean(f[10]) ? "" : "  (VmHWM not reset: process peak)");
            }
        }
        System.out.println("largest: the largest batch planned; direct max: the most the JVM's direct buffers (DJL's"
                + " copies of Java arrays, freed by the garbage collector) held during the run");
        // the runs whose plan has the full batch should have the same peak. Fresh JVMs start from RSS
        // that differs by tens of MiB and the allocator's retention varies from run to run, so per
        // step count the smallest rise above the start (and the smallest direct max) is compared
        int full = peaks.stream().mapToInt(p -> (int) p[1]).max().orElse(0);
        List<long[]> fullRuns = new ArrayList<>();
        for (int steps : stepCounts) {
            peaks.stream().filter(p -> p[0] == steps && p[1] == full)
                    .min((a, b) -> Long.compare(a[2] - a[3], b[2] - b[3])).ifPresent(best -> {
                        long directMin = peaks.stream().filter(p -> p[0] == steps).mapToLong(p -> p[4]).min()
                                .orElse(best[4]);
                        fullRuns.add(new long[] {best[0], best[1], best[2], best[3], directMin});
                    });
        }
        if (fullRuns.size() >= 2) {
            long[] first = fullRuns.get(0);
            long[] last = fullRuns.get(fullRuns.size() - 1);
            long firstRise = first[2] - first[3];
            long riseGrowth = last[2] - last[3] - firstRise;
            long directGrowth = last[4] - first[4];
            double growth = 100.0 * riseGrowth / firstRise;
            double withoutDirect = 100.0 * (riseGrowth - directGrowth) / firstRise;
            System.out.printf(Locale.ROOT, "%d steps vs %d steps (both with batches of %d; each its run with the"
                    + " smallest rise): peak %+.1f MiB; rise above the start %+.1f MiB (%+.1f%%), direct max %+.1f MiB,"
                    + " so %+.1f%% without the direct buffers%n",
                    last[0], first[0], full, (last[2] - first[2]) / 1024.0, riseGrowth / 1024.0, growth,
                    directGrowth / 1024.0, withoutDirect);
            String direct = "-> libtorch's memory is bounded by the batch plan; the growth is direct-buffer garbage"
                    + " (one copy of each batch's input, freed only by a collection), which grows with the batch count"
                    + " until the collector runs";
            System.out.println(growth <= 5 ? "-> bounded by the batch plan (within 5%)"
                    : withoutDirect <= 5 ? direct : "-> GROWS with the step count");
        } else {
            System.out.println("fewer than two runs reach the full batch; raise --memory-steps to compare peaks");
        }
    }

    /** One memory run in this JVM; prints a {@code memory-run} line for {@link #memory}. */
    private static void memoryRun(Path onnx, ExplanationContext context, int steps, int warmupSteps, int inputs)
            throws InterruptedException {
        Explainer ig = context.method(IntegratedGradients.ID).orElseThrow();
        try (TimedModel model = new TimedModel(new OnnxBackend().load(ModelSource.of(onnx)))) {
            Tensor x = randomInputs(inputs, new long[] {3, 224, 224}, 7);
            int[] targets = top1(model, x);
            MethodCase warm = new MethodCase(IntegratedGradients.ID, Map.of("steps", String.valueOf(warmupSteps)),
                    "", Double.NaN);
            sink += ig.explain(model, x, request(warm, ig, targets), context).map().data()[0];
            MethodCase m = new MethodCase(IntegratedGradients.ID, Map.of("steps", String.valueOf(steps)), "", Double.NaN);
            ExplanationRequest request = request(m, ig, targets);
            System.gc();
            long before = statusKiB("VmRSS");
            boolean reset = resetPeak();
            long[] directMax = {0};
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    directMax[0] = Math.max(directMax[0], directBytes());
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.setDaemon(true);
            sampler.start();
            model.recorded = new ArrayList<>();
            long t0 = System.nanoTime();
            sink += ig.explain(model, x, request, context).map().data()[0];
            long seconds = Math.round((System.nanoTime() - t0) / 1e9);
            long peak = statusKiB("VmHWM");
            sampler.interrupt();
            sampler.join();
            List<Call> calls = model.recorded;
            model.recorded = null;
            System.gc();
            long after = statusKiB("VmRSS");
            int largest = calls.stream().filter(Call::gradient).mapToInt(c -> (int) c.shape()[0]).max().orElse(0);
            int rows = calls.stream().mapToInt(c -> (int) c.shape()[0]).sum();
            System.out.printf(Locale.ROOT, "memory-run %d %d %d %d %d %d %d %d %d %b%n", steps, rows, largest,
                    calls.size(), before, peak, after, Math.max(directMax[0], directBytes()), seconds, reset);
        }
    }

    // ------------------------------------------------------------------ small things

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static int[] ints(String csv) {
        return list(csv).stream().mapToInt(Integer::parseInt).toArray();
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
