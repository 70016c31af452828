package dev.loupe.backend.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.LoupeException;
import dev.loupe.backend.onnx.graph.Graph;
import dev.loupe.backend.onnx.ops.Attributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Re-draws layers' weights and biases for the model-randomisation sanity check, as PyTorch's
 * default initialisation does: uniform in ±1/√fan-in.
 */
final class Reinitialization {
    private static final Set<String> WEIGHTED = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul");

    private Reinitialization() {
    }

    /**
     * @return new values for the weights and biases of {@code layers}, by initializer name, on
     *     {@code manager}
     * @throws LoupeException if a layer has no weights that can be re-drawn
     */
    static Map<String, NDArray> redraw(Graph graph, LayerIndex index, List<String> layers, long seed,
            NDManager manager) {
        Random random = new Random(seed);
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String layer : layers) {
            String value = index.resolve(layer);
            Graph.Step step = graph.steps().stream().filter(s -> s.node().outputs().contains(value)).findFirst()
                    .orElseThrow(() -> new LoupeException("layer '" + layer + "' is not produced by a node"));
            if (!WEIGHTED.contains(step.opType())) {
                throw new LoupeException("layer '" + layer + "' is a " + step.opType() + " node, which has no weights to "
                        + "re-draw; choose Conv, ConvTranspose, Gemm or MatMul layers");
            }
            List<String> inputs = step.node().inputs();
            String weightName = inputs.get(1);
            NDArray weight = graph.constants().get(weightName);
            if (weight == null) {
                throw new LoupeException("layer '" + layer + "' computes its weights at run time; only stored weights "
                        + "can be re-drawn");
            }
            double bound = 1.0 / Math.sqrt(fanIn(step, weight.getShape()));
            out.put(weightName, uniform(weight.getShape(), bound, random, manager));
            if (inputs.size() > 2 && !inputs.get(2).isEmpty() && graph.constants().containsKey(inputs.get(2))) {
                out.put(inputs.get(2), uniform(graph.constants().get(inputs.get(2)).getShape(), bound, random, manager));
            }
        }
        return out;
    }

    private static long fanIn(Graph.Step step, Shape w) {
        Attributes a = new Attributes(step.node().attributes());
        return switch (step.opType()) {
            case "Conv" -> w.size() / w.get(0);
            // ConvTranspose weights are [C_in, C_out/groups, k...]; PyTorch's fan-in is taken from dim 1
            case "ConvTranspose" -> w.size() / w.get(0);
            case "Gemm" -> a.getInt("transB", 0) != 0 ? w.get(1) : w.get(0);
            default -> w.get(0); // MatMul: [K, N]
        };
    }

    private static NDArray uniform(Shape shape, double bound, Random random, NDManager manager) {
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return manager.create(v, shape);
    }
}
