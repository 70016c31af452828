package dev.loupe.inspect.actmax;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.BackwardRule;
import dev.loupe.api.BackwardRules;
import dev.loupe.api.Capability;
import dev.loupe.api.ComputeService;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.Inspection;
import dev.loupe.api.InspectionRequest;
import dev.loupe.api.Inspector;
import dev.loupe.api.InspectorDescriptor;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelInfo;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.Tensor;
import dev.loupe.inspect.LayerActivations;
import dev.loupe.render.HeatmapRenderer;
import dev.loupe.render.LineChart;
import dev.loupe.render.TileGrid;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Activation maximisation (Erhan et al. 2009; Olah, Mordvintsev and Schubert 2017, "Feature
 * Visualization", Distill): gradient ascent on the input image to maximise a class logit, a layer
 * channel's mean activation or one neuron, from seeded noise or from a given input, with Lucid's
 * regularisers: a decorrelated Fourier parameterisation (1/f spectrum, colour decorrelation, sigmoid),
 * random jitter, scaling and rotation every step, L2 and total-variation penalties, and the diversity
 * of Gram matrices between several images of one unit; Adam on the parameters.
 *
 * <p>The parameters live in Java arrays. Each step renders the images, transforms and normalises them,
 * asks the model's pass for d objective / d input (one batched pass for all images) and carries that
 * gradient back through the transforms and the parameterisation by their hand-written adjoints
 * ({@link Transform}, {@link ImageParameterization}); the diversity term's gradient at the layer is
 * carried to the input by a second pass whose backward rule at that layer replaces the incoming
 * signal by it.
 */
@Component(service = Inspector.class, property = Inspector.PROPERTY_ID + "=" + ActivationMaximization.ID)
public final class ActivationMaximization implements Inspector {
    /** The inspector id. */
    public static final String ID = "activation-maximization";

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.integer("steps", 256, 0, 100_000, "gradient-ascent steps"),
            ParameterSpec.number("lr", 0.05, 0, 1e6, "Adam's learning rate"),
            ParameterSpec.number("beta1", 0.9, 0, 0.999999, "Adam's first-moment decay"),
            ParameterSpec.number("beta2", 0.999, 0, 0.999999999, "Adam's second-moment decay"),
            ParameterSpec.integer("seed", 0, Integer.MIN_VALUE, Integer.MAX_VALUE,
                    "random seed (initial noise and transforms)"),
            ParameterSpec.choice("param", "fourier", List.of("fourier", "pixel"),
                    "fourier: Lucid's decorrelated 1/f spectrum; pixel: the naive pixel parameterisation"),
            ParameterSpec.choice("decorrelate", "auto", List.of("auto", "true", "false"),
                    "Lucid's colour decorrelation (3 channels); auto: on for fourier, off for pixel"),
            ParameterSpec.number("decay", 1.0, 0, 8, "the Fourier spectrum's scale 1/frequency^decay"),
            ParameterSpec.number("sd", 0.01, 0, 100, "standard deviation of the initial noise parameters"),
            ParameterSpec.choice("start", "noise", List.of("noise", "input"),
                    "start from seeded noise or from --input (image k starts from input k mod N)"),
            ParameterSpec.string("mean", "0.4,0.4,0.4",
                    "the model's input normalisation: x = (image - mean) / std, one value or one per channel; "
                            + "loupe inspect takes it from the model's sidecar or --mean when given "
                            + "(default: the shapes model's 0.4; ImageNet models want 0.485,0.456,0.406)"),
            ParameterSpec.string("std", "0.25,0.25,0.25",
                    "the model's input normalisation, one value or one per channel; loupe inspect takes it from "
                            + "the model's sidecar or --std when given (default: the shapes model's 0.25; "
                            + "ImageNet models want 0.229,0.224,0.225)"),
            ParameterSpec.bool("transforms", true, "apply the random jitter, scale and rotation each step"),
            ParameterSpec.integer("jitter", -1, -1, 10_000,
                    "random circular shift in pixels, each way; -1: Lucid's 4 px at 224 px scaled to the input "
                            + "size (at least 1)"),
            ParameterSpec.string("scales", "1,0.975,1.025,0.95,1.05", "zoom factors drawn from each step"),
            ParameterSpec.string("rotate", "-5..5",
                    "rotation in degrees drawn each step: a range a..b of whole degrees or a list"),
            ParameterSpec.number("l2", 0, 0, 1e9, "weight of the L2 penalty Σ(image - 0.5)²"),
            ParameterSpec.number("tv", -1, -1, 1e9,
                    "weight of the total-variation penalty Σ|Δx| + |Δy|; -1: 0 for fourier, 0.01 for pixel"),
            ParameterSpec.string("neuron", null, "with --unit: maximise the neuron at y,x instead of the channel mean"),
            ParameterSpec.integer("images", 1, 1, 256, "images per unit or class"),
            ParameterSpec.number("diversity", 0, 0, 1e9,
                    "weight of Lucid's diversity penalty between the images of one unit (needs images > 1)"),
            ParameterSpec.string("diversity-layer", null,
                    "the layer whose Gram matrices the diversity compares; default --layer, else auto"),
            ParameterSpec.integer("max-classes", 16, 1, 100_000,
                    "without --target and --unit: one image for each of the first max-classes classes"),
            ParameterSpec.string("size", null, "H,W for a model whose input size is dynamic"));

    private static final InspectorDescriptor DESCRIPTOR = new InspectorDescriptor(ID, "Activation maximisation",
            "Olah, Mordvintsev and Schubert 2017, Feature Visualization, Distill (Lucid's regularisers); "
                    + "Erhan et al. 2009, Visualizing Higher-Layer Features of a Deep Network",
            EnumSet.of(Capability.FORWARD, Capability.INPUT_GRADIENT), false, PARAMETERS,
            "The input a class, a layer channel or a neuron responds to most: gradient ascent from noise (or an "
                    + "input) with a decorrelated Fourier parameterisation, random transforms and penalties.");

    @Override
    public InspectorDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Inspection inspect(ExplainableModel model, InspectionRequest request, ExplanationContext context) {
        DESCRIPTOR.checkSupportedBy(model);
        long t0 = System.nanoTime();
        Run run = new Run(model, request, context);
        run.optimise();
        Inspection out = run.result((System.nanoTime() - t0) / 1e6);
        return out;
    }

    /** One optimisation: settings, targets, parameters and what was measured. */
    private static final class Run {
        final ExplainableModel model;
        final InspectionRequest request;
        final ExplanationContext context;
        final int steps;
        final double lr;
        final double beta1;
        final double beta2;
        final long seed;
        final boolean fourier;
        final boolean decorrelate;
        final double[] mean;
        final double[] std;
        final boolean transforms;
        final int jitter;
        final double[] scales;
        final double[] rotations;
        final double l2;
        final double tv;
        final int perUnit;
        final double diversity;
        final int channels;
        final int h;
        final int w;
        final int classes;
        // what is maximised
        final String layer;
        final int[] units;
        final int[] positions;
        final String positionLabel;
        final double objectiveScale;
        final Objective objective;
        final String divLayer;
        final List<String> unitLabels = new ArrayList<>();
        final ImageParameterization param;
        final double[][] params;
        final double[][] curve;
        int done;
        double stepMillis;
        long passNanos;

        Run(ExplainableModel model, InspectionRequest request, ExplanationContext context) {
            this.model = model;
            this.request = request;
            this.context = context;
            steps = request.<Integer>param("steps");
            lr = request.<Double>param("lr");
            beta1 = request.<Double>param("beta1");
            beta2 = request.<Double>param("beta2");
            seed = request.<Integer>param("seed");
            fourier = "fourier".equals(request.param("param"));
            String dec = request.param("decorrelate");
            perUnit = request.<Integer>param("images");
            diversity = request.<Double>param("diversity");
            transforms = request.<Boolean>param("transforms");
            l2 = request.<Double>param("l2");
            double tvGiven = request.<Double>param("tv");
            tv = tvGiven < 0 ? (fourier ? 0 : 0.01) : tvGiven;

            long[] shape = inputShape(model, request);
            channels = (int) shape[1];
            h = (int) shape[2];
            w = (int) shape[3];
            decorrelate = channels == 3 && ("auto".equals(dec) ? fourier : Boolean.parseBoolean(dec));
            mean = perChannel("mean", request.param("mean"), channels);
            std = perChannel("std", request.param("std"), channels);
            for (double s : std) {
                if (!(s > 0)) {
                    throw new LoupeException(ID + ": every std must be positive; got " + s);
                }
            }
            int j = request.<Integer>param("jitter");
            jitter = j >= 0 ? j : Math.max(1, (int) Math.round(4.0 * Math.max(h, w) / 224));
            scales = parseList("scales", request.param("scales"));
            for (double s : scales) {
                if (!(s > 0)) {
                    throw new LoupeException(ID + ": scales must be positive; got " + s);
                }
            }
            rotations = parseRotations(request.param("rotate"));

            classes = classCount();
            String neuron = request.param("neuron");
            if (request.unit() != null && request.target() != null) {
                throw new LoupeException(ID + " maximises either a class (--target) or a layer unit (--unit), not "
                        + "both");
            }
            if (request.unit() != null) {
                Capability.check(ID + " of a layer unit", EnumSet.of(Capability.LAYER_ACTIVATION,
                        Capability.LAYER_GRADIENT), model);
                String given = request.layers().isEmpty() ? "auto" : request.layers().get(0);
                layer = model.resolveLayer(given);
                int unit = request.unit();
                LayerActivations.checkUnit(model, layer, unit);
                long[] ls = layerShape(model, layer);
                long positionsPerChannel = 1;
                for (int d = 2; d < ls.length; d++) {
                    positionsPerChannel *= Math.max(1, ls[d]);
                }
                units = new int[] {unit};
                if (neuron != null && !neuron.isBlank()) {
                    int pos = neuronPosition(neuron, ls);
                    positions = new int[] {pos};
                    positionLabel = neuron.replace(" ", "");
                    objectiveScale = 1;
                } else {
                    positions = null;
                    positionLabel = null;
                    objectiveScale = 1.0 / positionsPerChannel;
                }
                unitLabels.add(shortName(layer) + " unit " + unit + (positionLabel == null ? "" : " @" + positionLabel));
            } else {
                if (neuron != null && !neuron.isBlank()) {
                    throw new LoupeException(ID + ": --param neuron=y,x needs --unit N (and --layer L)");
                }
                if (!request.layers().isEmpty() && request.target() == null) {
                    throw new LoupeException(ID + ": --layer " + request.layers().get(0) + " needs --unit N (the "
                            + "channel to maximise); without --unit, give --target C for a class or neither for "
                            + "one image per class");
                }
                layer = null;
                positions = null;
                positionLabel = null;
                objectiveScale = 1;
                if (request.target() != null) {
                    int t = request.target();
                    if (t < 0 || t >= classes) {
                        throw new LoupeException("--target " + t + " is out of range: the model has " + classes
                                + " classes (0.." + (classes - 1) + ")");
                    }
                    units = new int[] {t};
                } else {
                    int n = Math.min(classes, request.<Integer>param("max-classes"));
                    units = new int[n];
                    for (int c = 0; c < n; c++) {
                        units[c] = c;
                    }
                }
                List<String> labels = model.info().labels();
                for (int c : units) {
                    unitLabels.add("class " + c + (c < labels.size() ? " (" + labels.get(c) + ")" : ""));
                }
            }
            int k = units.length * perUnit;
            int[] t = new int[k];
            int[] p = positions == null ? null : new int[k];
            for (int i = 0; i < k; i++) {
                t[i] = units[i / perUnit];
                if (p != null) {
                    p[i] = positions[i / perUnit];
                }
            }
            objective = layer == null ? Objective.logit(t)
                    : p == null ? Objective.channel(layer, t) : Objective.neuron(layer, t, p);
            if (diversity > 0 && perUnit > 1) {
                Capability.check(ID + " with diversity", EnumSet.of(Capability.LAYER_ACTIVATION,
                        Capability.BACKWARD_RULES), model);
                String dl = request.param("diversity-layer");
                divLayer = model.resolveLayer(dl != null && !dl.isBlank() ? dl
                        : request.layers().isEmpty() ? "auto" : request.layers().get(0));
            } else {
                divLayer = null;
            }

            param = new ImageParameterization(fourier, decorrelate, channels, h, w, request.<Double>param("decay"));
            params = new double[k][];
            Random random = new Random(seed);
            if ("input".equals(request.param("start"))) {
                Tensor in = request.requireInputs(ID + " with start=input");
                if (in.rank() != 4 || in.shape()[1] != channels || in.shape()[2] != h || in.shape()[3] != w) {
                    throw new LoupeException(ID + ": the input is " + in.shapeString() + " but the model takes [N, "
                            + channels + ", " + h + ", " + w + "]");
                }
                for (int i = 0; i < k; i++) {
                    float[] x = in.item(i % in.batchSize()).data();
                    double[] image = new double[x.length];
                    int hw = h * w;
                    for (int q = 0; q < x.length; q++) {
                        image[q] = x[q] * std[q / hw] + mean[q / hw];
                    }
                    params[i] = param.fromImage(image);
                }
            } else {
                double sd = request.<Double>param("sd");
                for (int i = 0; i < k; i++) {
                    params[i] = param.random(random, sd);
                }
            }
            curve = new double[steps][k];
        }

        int images() {
            return params.length;
        }

        void optimise() {
            int k = images();
            int hw = h * w;
            Adam[] adam = new Adam[k];
            for (int i = 0; i < k; i++) {
                adam[i] = new Adam(params[i].length, lr, beta1, beta2);
            }
            Random random = new Random(seed ^ 0x5DEECE66DL);
            long t0 = System.nanoTime();
            for (int step = 0; step < steps; step++) {
                context.cancellation().throwIfCancelled();
                double[][] images = new double[k][];
                Transform[] tf = new Transform[k];
                float[] x = new float[k * channels * hw];
                for (int i = 0; i < k; i++) {
                    images[i] = param.render(params[i]);
                    tf[i] = transforms ? randomTransform(random) : null;
                    double[] seen = tf[i] == null ? images[i] : tf[i].apply(images[i]);
                    normalise(seen, x, i);
                }
                float[][] gx = new float[k][];
                double[] values = new double[k];
                double[][] acts = divLayer == null ? null : new double[k][];
                long[][] actShape = new long[1][];
                long p0 = System.nanoTime();
                gradients(x, gx, values, acts, actShape);
                double[][] extra = divLayer == null ? null : diversityGradients(x, acts, actShape[0]);
                passNanos += System.nanoTime() - p0;
                for (int i = 0; i < k; i++) {
                    double[] g = new double[channels * hw];
                    for (int q = 0; q < g.length; q++) {
                        double v = gx[i][q] * objectiveScale + (extra == null ? 0 : extra[i][q]);
                        g[q] = v / std[q / hw];
                    }
                    if (tf[i] != null) {
                        g = tf[i].adjoint(g);
                    }
                    double value = values[i] * objectiveScale;
                    value -= Penalties.l2(images[i], l2, g);
                    value -= Penalties.totalVariation(images[i], channels, h, w, tv, g);
                    curve[step][i] = values[i] * objectiveScale;
                    adam[i].ascend(params[i], param.backward(images[i], g));
                }
                done = step + 1;
                context.progress().progress(done, steps, "steps");
            }
            stepMillis = steps == 0 ? 0 : (System.nanoTime() - t0) / 1e6 / steps;
        }

        /** One batched pass (in the compute service's batches): d objective / d x and the objective. */
        private void gradients(float[] x, float[][] gx, double[] values, double[][] acts, long[][] actShape) {
            int item = channels * h * w;
            int k = images();
            ComputeService compute = context.compute();
            List<String> capture = divLayer == null ? List.of() : List.of(divLayer);
            compute.run(compute.plan(new ComputeService.Workload(k, model.bytesPerEvaluation(true), true,
                    "images"), model), batch -> {
                        ExplainableModel local = model.onDevice(batch.device());
                        try (NDManager m = local.newManager()) {
                            NDArray in = m.create(java.util.Arrays.copyOfRange(x, batch.start() * item,
                                    batch.end() * item), new Shape(batch.size(), channels, h, w));
                            PassResult r = local.pass(new PassRequest(in, objective.select(range(batch.start(),
                                    batch.end())), capture, true, Map.of(), null));
                            float[] g = floats(r.inputGradient());
                            float[] o = floats(r.objective());
                            float[] a = acts == null ? null : floats(r.activations().get(divLayer));
                            for (int b = 0; b < batch.size(); b++) {
                                gx[batch.start() + b] = java.util.Arrays.copyOfRange(g, b * item, (b + 1) * item);
                                values[batch.start() + b] = o[b];
                                if (a != null) {
                                    int size = a.length / batch.size();
                                    double[] row = new double[size];
                                    for (int q = 0; q < size; q++) {
                                        row[q] = a[b * size + q];
                                    }
                                    acts[batch.start() + b] = row;
                                    actShape[0] = r.activations().get(divLayer).getShape().getShape();
                                }
                            }
                        }
                        return null;
                    }, dev.loupe.api.ProgressListener.NONE, context.cancellation());
        }

        /**
         * The input gradient of −diversity·D: D's gradient at the layer (per group of one unit), carried to
         * the input by a pass whose backward rule at the layer's node replaces the incoming signal.
         */
        private double[][] diversityGradients(float[] x, double[][] acts, long[] shape) {
            int k = images();
            int c = (int) shape[1];
            double[][] cot = new double[k][];
            for (int u = 0; u < units.length; u++) {
                double[][] group = new double[perUnit][];
                double[][] grads = new double[perUnit][];
                for (int j = 0; j < perUnit; j++) {
                    group[j] = acts[u * perUnit + j];
                }
                Diversity.value(group, c, grads);
                for (int j = 0; j < perUnit; j++) {
                    double[] g = grads[j];
                    for (int q = 0; q < g.length; q++) {
                        g[q] *= -diversity;
                    }
                    cot[u * perUnit + j] = g;
                }
            }
            return layerVjp(model, context, divLayer, x, cot, channels, h, w);
        }

        private Transform randomTransform(Random random) {
            int dy = jitter == 0 ? 0 : random.nextInt(2 * jitter + 1) - jitter;
            int dx = jitter == 0 ? 0 : random.nextInt(2 * jitter + 1) - jitter;
            double s = scales[random.nextInt(scales.length)];
            double r = rotations[random.nextInt(rotations.length)];
            return new Transform(channels, h, w, dy, dx, s, r, 0.5);
        }

        private void normalise(double[] image, float[] x, int i) {
            int hw = h * w;
            int base = i * channels * hw;
            for (int q = 0; q < image.length; q++) {
                x[base + q] = (float) ((image[q] - mean[q / hw]) / std[q / hw]);
            }
        }

        Inspection result(double millis) {
            int k = images();
            int hw = h * w;
            float[] images = new float[k * channels * hw];
            float[] x = new float[images.length];
            for (int i = 0; i < k; i++) {
                double[] img = param.render(params[i]);
                for (int q = 0; q < img.length; q++) {
                    images[i * channels * hw + q] = (float) img[q];
                }
                normalise(img, x, i);
            }
            Tensor imageTensor = new Tensor(images, new long[] {k, channels, h, w});
            Tensor scores = model.predict(new Tensor(x, new long[] {k, channels, h, w}));
            double[] finalObjective = new double[k];
            if (layer == null) {
                for (int i = 0; i < k; i++) {
                    finalObjective[i] = scores.data()[i * classes + objective.targets()[i]];
                }
            } else {
                finalObjective = layerObjective(x);
            }
            double[] probability = new double[k];
            int[] predicted = new int[k];
            for (int i = 0; i < k; i++) {
                double[] p = softmax(scores.data(), i * classes, classes);
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (p[c] > p[best]) {
                        best = c;
                    }
                }
                predicted[i] = best;
                probability[i] = layer == null ? p[objective.targets()[i]] : p[best];
            }
            String what = layer == null ? "logit" : positions == null ? "mean" : "value";
            // every image captioned with its unit and result: units side by side, or a row per unit
            // when each has several images
            List<BufferedImage> tiles = new ArrayList<>();
            List<List<String>> captions = new ArrayList<>();
            int factor = Math.max(1, Math.round(Math.max(96, Math.min(256, 2 * Math.max(h, w))) / (float) Math.max(h, w)));
            for (int u = 0; u < units.length; u++) {
                for (int j = 0; j < perUnit; j++) {
                    int i = u * perUnit + j;
                    tiles.add(TileGrid.enlarge(HeatmapRenderer.image(imageTensor, i), factor));
                    String result = String.format(Locale.ROOT, "%s %.3g", what, finalObjective[i])
                            + (layer == null ? String.format(Locale.ROOT, ", p %.3f", probability[i])
                                    : String.format(Locale.ROOT, ", top %d p %.2f", predicted[i], probability[i]));
                    captions.add(List.of(unitLabels.get(u) + (perUnit > 1 ? " #" + (j + 1) : ""), result));
                }
            }
            int columns = perUnit > 1 ? perUnit : Math.min(units.length, 8);
            BufferedImage grid = TileGrid.draw(null, tiles, captions, columns, true);
            List<LineChart.Series> series = new ArrayList<>();
            for (int i = 0; i < k && done > 0; i++) {
                double[] y = new double[done];
                double[] xs = new double[done];
                for (int s = 0; s < done; s++) {
                    y[s] = curve[s][i];
                    xs[s] = s + 1;
                }
                series.add(new LineChart.Series(label(i), xs, y));
            }
            BufferedImage chart = LineChart.draw("objective per step (on the transformed image)", "step",
                    what, series, 720, 400);
            StringBuilder csv = new StringBuilder("index,unit,image,objective,probability,predicted\n");
            List<Map<String, Object>> perImage = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                csv.append(i).append(',').append(csvField(unitLabels.get(i / perUnit))).append(',')
                        .append(i % perUnit).append(',').append(finalObjective[i]).append(',')
                        .append(probability[i]).append(',').append(predicted[i]).append('\n');
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("index", i);
                d.put("unit", unitLabels.get(i / perUnit));
                d.put("objective", finalObjective[i]);
                d.put("probability", probability[i]);
                d.put("predicted", predicted[i]);
                d.put("steps", done);
                perImage.add(d);
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("objective", layer == null ? "class logit"
                    : positions == null ? "mean of channel " + units[0] + " of " + layer
                    : "neuron " + positionLabel + " of channel " + units[0] + " of " + layer);
            details.put("probability", layer == null ? "softmax probability of the target class"
                    : "softmax probability of the predicted class");
            details.put("images", perImage);
            details.put("steps", done);
            details.put("parameterization", (fourier ? "fourier" : "pixel") + (decorrelate ? ", decorrelated colour"
                    : ""));
            details.put("jitter", jitter);
            details.put("tv", tv);
            details.put("timeMillis", millis);
            details.put("millisPerStep", stepMillis);
            details.put("passMillisPerStep", done == 0 ? 0.0 : passNanos / 1e6 / done);
            if (divLayer != null) {
                details.put("diversityLayer", divLayer);
            }
            Map<String, Tensor> arrays = new LinkedHashMap<>();
            arrays.put("images", imageTensor);
            Map<String, BufferedImage> figures = new LinkedHashMap<>();
            figures.put("images", grid);
            figures.put("curve", chart);
            return new Inspection(ID, arrays, figures, Map.of("images", csv.toString()), details);
        }

        private String label(int i) {
            String u = unitLabels.get(i / perUnit);
            return perUnit > 1 ? u + " #" + (i % perUnit + 1) : u;
        }

        private double[] layerObjective(float[] x) {
            int k = images();
            int item = channels * h * w;
            double[] out = new double[k];
            ComputeService compute = context.compute();
            compute.run(compute.plan(new ComputeService.Workload(k, model.bytesPerEvaluation(false), false,
                    "images"), model), batch -> {
                        ExplainableModel local = model.onDevice(batch.device());
                        try (NDManager m = local.newManager()) {
                            NDArray in = m.create(java.util.Arrays.copyOfRange(x, batch.start() * item,
                                    batch.end() * item), new Shape(batch.size(), channels, h, w));
                            Objective o = objective.select(range(batch.start(), batch.end()));
                            PassResult r = local.pass(new PassRequest(in, null, List.of(layer), false, Map.of(),
                                    null));
                            float[] v = floats(o.score(r.activations().get(layer)));
                            for (int b = 0; b < batch.size(); b++) {
                                out[batch.start() + b] = v[b] * objectiveScale;
                            }
                        }
                        return null;
                    }, dev.loupe.api.ProgressListener.NONE, context.cancellation());
            return out;
        }

        private int classCount() {
            float[] grey = new float[channels * h * w];
            int hw = h * w;
            for (int q = 0; q < grey.length; q++) {
                grey[q] = (float) ((0.5 - mean[q / hw]) / std[q / hw]);
            }
            Tensor s = model.predict(new Tensor(grey, new long[] {1, channels, h, w}));
            return s.itemSize();
        }
    }

    /**
     * d⟨layer(x), cotangent⟩ / d x: a pass whose backward rule at the layer's node ignores the signal from
     * above and propagates {@code cotangent} instead (a vector-Jacobian product at an inner layer, which
     * {@link PassRequest} alone does not offer).
     *
     * @param layer a resolved layer name
     * @param x the batch, [K·C·H·W]
     * @param cotangent per input, the layer-shaped signal
     * @return per input, the gradient with respect to x
     */
    static double[][] layerVjp(ExplainableModel model, ExplanationContext context, String layer, float[] x,
            double[][] cotangent, int channels, int h, int w) {
        int k = cotangent.length;
        int item = channels * h * w;
        double[][] out = new double[k][];
        ComputeService compute = context.compute();
        compute.run(compute.plan(new ComputeService.Workload(k, model.bytesPerEvaluation(true), true, "images"),
                model), batch -> {
                    ExplainableModel local = model.onDevice(batch.device());
                    try (NDManager m = local.newManager()) {
                        NDArray in = m.create(java.util.Arrays.copyOfRange(x, batch.start() * item,
                                batch.end() * item), new Shape(batch.size(), channels, h, w));
                        int size = cotangent[batch.start()].length;
                        float[] cot = new float[batch.size() * size];
                        for (int b = 0; b < batch.size(); b++) {
                            for (int q = 0; q < size; q++) {
                                cot[b * size + q] = (float) cotangent[batch.start() + b][q];
                            }
                        }
                        NDArray[] signal = new NDArray[1];
                        BackwardRule rule = op -> {
                            NDArray out0 = op.output();
                            NDArray s = signal[0] == null ? null : signal[0];
                            if (s == null) {
                                s = out0.getManager().create(cot, out0.getShape());
                                signal[0] = s;
                            }
                            NDList r = op.vjp(op.inputs(), op.parameters(), s);
                            return r;
                        };
                        BackwardRules rules = new BackwardRules(Map.of(), Map.of(layer, rule), Set.of());
                        PassResult r = local.pass(new PassRequest(in, Objective.channel(layer, new int[batch.size()]),
                                List.of(), true, Map.of(), rules));
                        float[] g = floats(r.inputGradient());
                        for (int b = 0; b < batch.size(); b++) {
                            double[] row = new double[item];
                            for (int q = 0; q < item; q++) {
                                row[q] = g[b * item + q];
                            }
                            out[batch.start() + b] = row;
                        }
                    }
                    return null;
                }, dev.loupe.api.ProgressListener.NONE, context.cancellation());
        return out;
    }

    private static float[] floats(NDArray a) {
        return a.toType(DataType.FLOAT32, false).toFloatArray();
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    private static double[] softmax(float[] v, int offset, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < n; c++) {
            max = Math.max(max, v[offset + c]);
        }
        double[] p = new double[n];
        double s = 0;
        for (int c = 0; c < n; c++) {
            p[c] = Math.exp(v[offset + c] - max);
            s += p[c];
        }
        for (int c = 0; c < n; c++) {
            p[c] /= s;
        }
        return p;
    }

    private static long[] inputShape(ExplainableModel model, InspectionRequest request) {
        List<ModelInfo.TensorInfo> inputs = model.info().inputs();
        long[] shape = inputs.isEmpty() ? new long[0] : inputs.get(0).shape().clone();
        if (shape.length != 4) {
            throw new LoupeException(ID + " needs a model whose input is an image batch [N, C, H, W]; this one takes "
                    + java.util.Arrays.toString(shape));
        }
        String size = request.param("size");
        if (size != null && !size.isBlank()) {
            double[] hw = parseList("size", size);
            if (hw.length != 2 || hw[0] < 1 || hw[1] < 1) {
                throw new LoupeException(ID + ": --param size takes H,W; got '" + size + "'");
            }
            shape[2] = (long) hw[0];
            shape[3] = (long) hw[1];
        } else if (request.inputs() != null && request.inputs().rank() == 4) {
            for (int d = 1; d < 4; d++) {
                if (shape[d] < 0) {
                    shape[d] = request.inputs().shape()[d];
                }
            }
        }
        if (shape[1] < 1 || shape[2] < 1 || shape[3] < 1) {
            throw new LoupeException(ID + ": the model's input size is dynamic " + java.util.Arrays.toString(shape)
                    + "; give --param size=H,W (or --input)");
        }
        return shape;
    }

    private static long[] layerShape(ExplainableModel model, String layer) {
        return model.info().layers().stream().filter(l -> l.name().equals(layer)).findFirst()
                .map(ModelInfo.LayerInfo::shape)
                .orElseThrow(() -> new LoupeException("layer " + layer + " is not among the model's layers"));
    }

    private static int neuronPosition(String neuron, long[] layerShape) {
        if (layerShape.length != 4) {
            throw new LoupeException(ID + ": --param neuron=y,x needs a spatial layer [N, C, H, W]; this one is "
                    + java.util.Arrays.toString(layerShape));
        }
        double[] yx = parseList("neuron", neuron);
        int lh = (int) layerShape[2];
        int lw = (int) layerShape[3];
        if (yx.length != 2 || yx[0] != Math.rint(yx[0]) || yx[1] != Math.rint(yx[1])) {
            throw new LoupeException(ID + ": --param neuron takes y,x (two whole numbers); got '" + neuron + "'");
        }
        int y = (int) yx[0];
        int x = (int) yx[1];
        if (y < 0 || y >= lh || x < 0 || x >= lw) {
            throw new LoupeException(ID + ": neuron " + y + "," + x + " is outside the layer's " + lh + "×" + lw
                    + " positions (y 0.." + (lh - 1) + ", x 0.." + (lw - 1) + ")");
        }
        return y * lw + x;
    }

    static double[] perChannel(String name, String raw, int channels) {
        double[] v = parseList(name, raw);
        if (v.length == 1) {
            double[] all = new double[channels];
            java.util.Arrays.fill(all, v[0]);
            return all;
        }
        if (v.length != channels) {
            throw new LoupeException(ID + ": --param " + name + " needs one value or " + channels + " (one per "
                    + "channel); got " + v.length);
        }
        return v;
    }

    static double[] parseList(String name, String raw) {
        if (raw == null || raw.isBlank()) {
            throw new LoupeException(ID + ": --param " + name + " is empty");
        }
        String[] parts = raw.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new LoupeException(ID + ": --param " + name + " takes numbers separated by commas; got '" + raw
                        + "'");
            }
        }
        return out;
    }

    static double[] parseRotations(String raw) {
        String r = raw == null ? "" : raw.trim();
        int dots = r.indexOf("..", 1);
        if (dots > 0) {
            double[] ab;
            try {
                ab = new double[] {Double.parseDouble(r.substring(0, dots).trim()),
                    Double.parseDouble(r.substring(dots + 2).trim())};
            } catch (NumberFormatException e) {
                throw new LoupeException(ID + ": --param rotate takes a range a..b or a list; got '" + raw + "'");
            }
            int a = (int) Math.ceil(Math.min(ab[0], ab[1]));
            int b = (int) Math.floor(Math.max(ab[0], ab[1]));
            double[] out = new double[b - a + 1];
            for (int i = 0; i < out.length; i++) {
                out[i] = a + i;
            }
            return out;
        }
        return parseList("rotate", r);
    }

    private static String shortName(String layer) {
        return layer;
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
