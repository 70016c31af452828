package dev.loupe.method.excitationbackprop;

import dev.loupe.api.Attribution;
import dev.loupe.api.BackwardRule;
import dev.loupe.api.BackwardRules;
import dev.loupe.api.Canonizer;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelInfo;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.cam.MapOps;
import dev.loupe.relevance.Composite;
import dev.loupe.relevance.Conservation;
import dev.loupe.relevance.LrpRules;
import dev.loupe.relevance.RuleSweep;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What both Excitation Backprop methods share: the rules (z-plus on every convolution and fully
 * connected layer, proportional shares at sums and average pools, plain gradients through
 * activations and max pools, BatchNorm folded), the layer the map is read at, and the map itself.
 * At the input the map is the winning probability of every input element; at a layer, as TorchRay
 * reads it, the sum over the layer's channels.
 */
final class WinningProbabilities {
    /** The parameters both methods take. */
    static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.bool("bias", false, "count positive biases in each layer's normaliser, as Zennit's "
                    + "ExcitationBackprop composite does (false: the paper's and TorchRay's probabilities)"),
            ParameterSpec.number("stabilizer", 1e-6, 0, 1, "added to each normaliser, with its sign"));

    private WinningProbabilities() {
    }

    /** @return the rules of the plain method */
    static BackwardRules rules(ExplanationRequest request) {
        double stabilizer = request.doubleParam("stabilizer");
        Map<String, BackwardRule> ops = new HashMap<>();
        BackwardRule share = LrpRules.norm(stabilizer);
        Composite.SUMS.forEach(op -> ops.put(op, share));
        BackwardRule zPlus = LrpRules.zPlus(stabilizer, request.boolParam("bias"));
        Composite.CONVOLUTIONS.forEach(op -> ops.put(op, zPlus));
        Composite.DENSE.forEach(op -> ops.put(op, zPlus));
        return new BackwardRules(ops, Map.of(), Set.of(Canonizer.MERGE_BATCHNORM, Canonizer.EXPLICIT_RESIDUAL));
    }

    /** @return the resolved layer the map is read at, or null for the input */
    static String layer(ExplainableModel model, ExplanationRequest request, String methodId) {
        if (request.layers().size() > 1) {
            throw new LoupeException(methodId + " reads its map at one layer; got " + request.layers().size() + " ("
                    + String.join(", ", request.layers()) + "). Pass one --layer, or none for the input.");
        }
        return request.layers().isEmpty() ? null : model.resolveLayer(request.layers().get(0));
    }

    /**
     * @param methodId the method
     * @param signals the signal at the input or the layer
     * @param layer the layer, or null for the input
     * @param clampAtLayer whether a layer map keeps only its positive part (TorchRay's contrastive map)
     * @param inputs the inputs
     * @param request the request
     * @return the attribution: at the input, per element; at a layer, the channel sum [N, 1, h, w] as
     *     layer map and its bilinear upsampling to the input as map
     */
    static Attribution attribution(String methodId, RuleSweep.Signals signals, String layer, boolean clampAtLayer,
            Tensor inputs, ExplanationRequest request) {
        Conservation mass = Conservation.of(signals.sums(), signals.objective());
        if (layer == null) {
            return Attribution.of(methodId, signals.signal(), request).withDetail("probabilityMass",
                    mass.perInput());
        }
        Tensor s = signals.signal();
        if (s.rank() != 4) {
            throw new LoupeException(methodId + " sums the layer's channels into a map: the layer needs shape "
                    + "[N, C, H, W]; '" + layer + "' has " + s.shapeString() + ". Choose a convolutional layer.");
        }
        int n = s.batchSize();
        int channels = (int) s.shape()[1];
        int h = (int) s.shape()[2];
        int w = (int) s.shape()[3];
        float[] summed = new float[n * h * w];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                for (int p = 0; p < h * w; p++) {
                    summed[i * h * w + p] += s.data()[(i * channels + c) * h * w + p];
                }
            }
        }
        float[] map = clampAtLayer ? MapOps.relu(summed) : summed;
        int height = (int) inputs.shape()[2];
        int width = (int) inputs.shape()[3];
        Tensor upsampled = new Tensor(MapOps.bilinear(map, h, w, height, width, false),
                new long[] {n, 1, height, width});
        return Attribution.of(methodId, upsampled, request)
                .withLayerMap(new Tensor(map, new long[] {n, 1, h, w}), List.of(layer))
                .withDetail("probabilityMass", mass.perInput());
    }

    /** @return the layer of the model named {@code name} (node or tensor name) */
    static ModelInfo.LayerInfo layerInfo(ExplainableModel model, String name) {
        return model.info().layers().stream().filter(l -> l.name().equals(name) || l.nodeName().equals(name))
                .findFirst().orElseThrow(() -> new LoupeException("unknown layer '" + name + "'; the layers are: "
                        + String.join(", ", model.info().layers().stream().map(ModelInfo.LayerInfo::name).toList())));
    }
}
