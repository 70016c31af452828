package dev.loupe.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.loupe.api.Attribution;
import dev.loupe.api.ComputeService;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Objective;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Runs a CAM method: captures the chosen layers (activations, and gradients of the objective for
 * gradient methods) in the batches the compute service plans, lets the method's formula make each
 * layer's raw map, and finishes the maps as pytorch-grad-cam does — ReLU, per-image min-max,
 * half-pixel bilinear upsampling to the input, mean over layers, min-max again.
 */
public final class ClassActivationMaps {
    /** The layer {@code auto} picks: the last spatial feature map before global pooling. */
    public static final String AUTO = "auto";
    /** How the input-resolution map is made, for the summary. */
    public static final String POSTPROCESSING = "ReLU, per-image min-max to [0,1], bilinear upsampling "
            + "(half-pixel centres), mean over layers, min-max again";

    private ClassActivationMaps() {
    }

    /**
     * @param methodId the method's id
     * @param gradients whether the formula needs the objective's gradient at the layers
     * @param formula the method's raw map
     * @param model the model
     * @param inputs the images, [N, C, H, W]
     * @param request the objective, layers (none: {@code auto}) and parameters
     * @param context the compute service, progress and cancellation
     * @return the normalised map [N, 1, H, W] with the raw layer maps [N, L, h, w] as layer map
     */
    public static Attribution explain(String methodId, boolean gradients, CamFormula formula, ExplainableModel model,
            Tensor inputs, ExplanationRequest request, ExplanationContext context) {
        long start = System.nanoTime();
        if (inputs.rank() != 4) {
            throw new LoupeException(methodId + " explains images [N, C, H, W]; the input has shape "
                    + inputs.shapeString());
        }
        List<String> layers = resolveLayers(model, request.layers());
        CamProbe probe = new CamProbe(model, inputs, request.objective(), context);
        List<LayerValues> values = capture(probe, layers, gradients, context);
        List<float[]> raw = new ArrayList<>();
        for (LayerValues layer : values) {
            float[] map = formula.rawMap(layer, probe);
            if (map.length != layer.images() * layer.plane()) {
                throw new IllegalStateException(methodId + " made a map of " + map.length + " values for layer "
                        + layer.name() + " of shape " + Arrays.toString(layer.shape()));
            }
            raw.add(map);
        }
        int height = (int) inputs.shape()[2];
        int width = (int) inputs.shape()[3];
        Attribution a = Attribution.of(methodId, finish(values, raw, height, width), request)
                .withLayerMap(layerMap(values, raw), layers)
                .withDetail("postprocessing", POSTPROCESSING);
        if (values.stream().map(v -> v.height() + "x" + v.width()).distinct().count() > 1) {
            a = a.withDetail("layerMap", "raw map of " + layers.get(0) + " only: the layers' resolutions differ");
        }
        return a.withTiming("total", (System.nanoTime() - start) / 1e6);
    }

    /**
     * @param model the model
     * @param requested the names the user gave; none means {@code auto}
     * @return the tensor names, each once, in the order given
     */
    public static List<String> resolveLayers(ExplainableModel model, List<String> requested) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String name : requested.isEmpty() ? List.of(AUTO) : requested) {
            out.add(model.resolveLayer(name));
        }
        return List.copyOf(out);
    }

    /** Captures every layer for all inputs, batch by batch, into plain arrays. */
    private static List<LayerValues> capture(CamProbe probe, List<String> layers, boolean gradients,
            ExplanationContext context) {
        ExplainableModel model = probe.model();
        Objective objective = probe.objective();
        int n = probe.inputs().batchSize();
        float[][] activations = new float[layers.size()][];
        float[][] grads = new float[layers.size()][];
        long[][] shapes = new long[layers.size()][];
        ComputeService compute = context.compute();
        compute.run(compute.plan(new ComputeService.Workload(n, model.bytesPerEvaluation(gradients), gradients,
                "inputs"), model), batch -> {
            int[] images = new int[batch.size()];
            Arrays.setAll(images, j -> batch.start() + j);
            ExplainableModel local = model.onDevice(batch.device());
            try (NDManager m = local.newManager()) {
                NDArray x = probe.inputRows(m, images);
                PassResult r = local.pass(new PassRequest(x, gradients ? objective.select(images) : null, layers,
                        false, Map.of(), null));
                for (int l = 0; l < layers.size(); l++) {
                    String layer = layers.get(l);
                    NDArray a = r.activations().get(layer);
                    long[] s = a.getShape().getShape();
                    if (s.length != 4) {
                        throw new LoupeException("layer " + layer + " has shape " + Arrays.toString(s)
                                + "; CAM methods need a spatial feature map [N, C, H, W]. Choose one with --layer "
                                + "(`loupe layers --model M` lists the layers and their shapes)");
                    }
                    // the first batch to finish sizes the arrays; batches on several GPUs may race here
                    synchronized (activations) {
                        if (activations[l] == null) {
                            shapes[l] = s;
                            activations[l] = new float[Math.multiplyExact(n, Math.toIntExact(s[1] * s[2] * s[3]))];
                            grads[l] = gradients ? new float[activations[l].length] : null;
                        }
                    }
                    int item = activations[l].length / n;
                    copy(a, activations[l], batch.start() * item);
                    if (gradients) {
                        copy(r.layerGradients().get(layer), grads[l], batch.start() * item);
                    }
                }
            }
            return null;
        }, context.progress(), context.cancellation());
        List<LayerValues> out = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            long[] s = shapes[l];
            out.add(new LayerValues(layers.get(l), n, (int) s[1], (int) s[2], (int) s[3], activations[l], grads[l]));
        }
        return out;
    }

    private static void copy(NDArray from, float[] to, int offset) {
        float[] v = from.toFloatArray();
        System.arraycopy(v, 0, to, offset, v.length);
    }

    /** ReLU, min-max and upsampling per layer; mean over layers; min-max again. */
    static Tensor finish(List<LayerValues> values, List<float[]> raw, int height, int width) {
        int n = values.get(0).images();
        int size = height * width;
        float[] sum = new float[n * size];
        for (int l = 0; l < values.size(); l++) {
            LayerValues v = values.get(l);
            float[] scaled = MapOps.minMax(MapOps.relu(raw.get(l)), v.plane(), MapOps.MIN_MAX_EPSILON);
            float[] up = MapOps.bilinear(scaled, v.height(), v.width(), height, width, false);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += up[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= values.size();
        }
        return new Tensor(MapOps.minMax(sum, size, MapOps.MIN_MAX_EPSILON), new long[] {n, 1, height, width});
    }

    /** The raw maps stacked [N, L, h, w] when the layers share a resolution; else the first layer's. */
    private static Tensor layerMap(List<LayerValues> values, List<float[]> raw) {
        LayerValues first = values.get(0);
        int plane = first.plane();
        boolean same = values.stream().allMatch(v -> v.height() == first.height() && v.width() == first.width());
        int count = same ? values.size() : 1;
        float[] out = new float[first.images() * count * plane];
        for (int l = 0; l < count; l++) {
            for (int i = 0; i < first.images(); i++) {
                System.arraycopy(raw.get(l), i * plane, out, (i * count + l) * plane, plane);
            }
        }
        return new Tensor(out, new long[] {first.images(), count, first.height(), first.width()});
    }
}
