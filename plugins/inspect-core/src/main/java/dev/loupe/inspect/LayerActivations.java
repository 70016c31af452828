package dev.loupe.inspect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.ComputeService;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelInfo;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Layer activations over many inputs, captured in the batches the compute service plans (forward
 * passes only), copied out to plain arrays. Pooled, they are what prototypes rank and embeddings
 * project.
 */
public final class LayerActivations {
    /** Op types whose nodes hold learnt weights that filters and sanity checks look at. */
    public static final Set<String> WEIGHTED_OPS = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul");

    private LayerActivations() {
    }

    /**
     * @param model the model (needs LAYER_ACTIVATION)
     * @param inputs [N, ...] as the model takes them
     * @param layers layer names as users write them (tensor, node or {@code auto})
     * @param pooled whether to average each channel over its positions ([N, C, H, W] becomes [N, C])
     * @param context compute service, progress and cancellation
     * @return the activations by resolved tensor name, in the order asked, [N, ...] or [N, C]
     */
    public static Map<String, Tensor> capture(ExplainableModel model, Tensor inputs, List<String> layers,
            boolean pooled, ExplanationContext context) {
        List<String> resolved = new ArrayList<>();
        for (String layer : layers) {
            resolved.add(model.resolveLayer(layer));
        }
        int n = inputs.batchSize();
        int item = inputs.itemSize();
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        ComputeService compute = context.compute();
        compute.run(compute.plan(new ComputeService.Workload(n, model.bytesPerEvaluation(false), false, "inputs"),
                model), batch -> {
            ExplainableModel local = model.onDevice(batch.device());
            long[] shape = inputs.shape().clone();
            shape[0] = batch.size();
            try (NDManager m = local.newManager()) {
                float[] x = Arrays.copyOfRange(inputs.data(), batch.start() * item, batch.end() * item);
                NDArray input = m.create(x, new Shape(shape));
                PassResult r = local.pass(new PassRequest(input, null, resolved, false, Map.of(), null));
                for (String layer : resolved) {
                    NDArray a = r.activations().get(layer);
                    if (pooled && a.getShape().dimension() > 2) {
                        a = a.reshape(a.getShape().get(0), a.getShape().get(1), -1).mean(new int[] {2});
                    }
                    float[] part = a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                    // batches on several devices may finish in any order: the first sizes the array
                    synchronized (values) {
                        if (!values.containsKey(layer)) {
                            long[] s = a.getShape().getShape().clone();
                            s[0] = n;
                            shapes.put(layer, s);
                            values.put(layer, new float[Math.multiplyExact(n, part.length / batch.size())]);
                        }
                    }
                    System.arraycopy(part, 0, values.get(layer), batch.start() * (part.length / batch.size()),
                            part.length);
                }
            }
            return null;
        }, context.progress(), context.cancellation());
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String layer : resolved) {
            out.put(layer, new Tensor(values.get(layer), shapes.get(layer)));
        }
        return out;
    }

    /**
     * @param info the model's layers
     * @param opTypes which op types to keep, e.g. {@code Conv}
     * @return the layers of those op types, in graph order
     */
    public static List<ModelInfo.LayerInfo> layersOfType(ModelInfo info, Set<String> opTypes) {
        return info.layers().stream().filter(l -> opTypes.contains(l.opType())).toList();
    }

    /**
     * @param model the model
     * @param layer a resolved layer name
     * @param unit a channel index
     * @return the channel count of the layer (axis 1), after checking {@code unit} is within it
     * @throws LoupeException naming the range when it is not
     */
    public static int checkUnit(ExplainableModel model, String layer, int unit) {
        long[] shape = model.info().layers().stream().filter(l -> l.name().equals(layer)).findFirst()
                .map(ModelInfo.LayerInfo::shape)
                .orElseThrow(() -> new LoupeException("layer " + layer + " is not among the model's layers"));
        int channels = shape.length > 1 ? (int) shape[1] : 1;
        if (unit < 0 || unit >= channels) {
            throw new LoupeException("--unit " + unit + " is out of range: layer " + layer + " has " + channels
                    + " channels (0.." + (channels - 1) + ")");
        }
        return channels;
    }
}
