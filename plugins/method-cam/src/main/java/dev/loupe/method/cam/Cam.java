package dev.loupe.method.cam;

import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelInfo;
import dev.loupe.api.ModelInfo.LayerInfo;
import dev.loupe.cam.CamExplainer;
import dev.loupe.cam.CamFormula;
import dev.loupe.cam.CamProbe;
import dev.loupe.cam.LayerValues;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * CAM (Zhou et al. 2016): M_c = Σ_k w_ck·A_k for a network that ends in global average pooling of
 * A followed by a linear classifier with weights w. The weights are read as ∂y_c/∂A_k(p)·H·W,
 * which for that head is w_ck at every position p; the method checks the head's ops and that the
 * gradient is indeed the same at every position, and refuses other models. On that last layer
 * CAM is H·W times the raw Grad-CAM map, the same map once normalised.
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + Cam.ID)
public final class Cam extends CamExplainer {
    /** The method id. */
    public static final String ID = "cam";
    private static final Set<String> GLOBAL_AVERAGE = Set.of("GlobalAveragePool", "ReduceMean");
    /** Ops between the pooling and the classifier that only reshape. */
    private static final Set<String> RESHAPES = Set.of("Flatten", "Reshape", "Squeeze", "Unsqueeze", "Identity",
            "Dropout", "Shape", "Gather", "Concat", "Slice", "Cast", "Constant", "ConstantOfShape");
    /** How far the gradient may vary over positions (relative) for the head to count as GAP + linear. */
    private static final double CONSTANT = 1e-4;

    /** Registers the method. */
    public Cam() {
        super(describe(ID, "CAM", "Zhou et al. 2016, Learning Deep Features for Discriminative Localization", true,
                List.of(), "The last feature map weighted by the classifier's weights for the class; needs a model "
                        + "that ends in global average pooling and a linear layer."));
    }

    @Override
    protected CamFormula formula(ExplanationRequest request) {
        return CamFormula.weighted((layer, probe) -> {
            checkHead(probe, layer.name(), request.objective().output());
            return classifierWeights(layer);
        });
    }

    /** The ops after the layer must be: global average pooling, reshapes, a linear layer giving the scores. */
    private static void checkHead(CamProbe probe, String layer, String output) {
        ModelInfo info = probe.model().info();
        String scores = output == null ? info.scores().tensor() : probe.model().resolveLayer(output);
        List<LayerInfo> layers = info.layers();
        int i = 0;
        while (i < layers.size() && !layers.get(i).name().equals(layer)) {
            i++;
        }
        String use = " Use gradcam, which works on any layer, or name the last feature map with --layer auto.";
        if (i + 1 >= layers.size() || !GLOBAL_AVERAGE.contains(layers.get(i + 1).opType())) {
            throw new LoupeException("cam needs global average pooling right after layer " + layer + "; next is "
                    + (i + 1 < layers.size() ? describe(layers.get(i + 1)) : "nothing") + "." + use);
        }
        int j = i + 2;
        while (j < layers.size() && RESHAPES.contains(layers.get(j).opType())) {
            j++;
        }
        boolean linear = j < layers.size() && (layers.get(j).opType().equals("Gemm")
                || layers.get(j).opType().equals("MatMul"));
        if (linear && layers.get(j).opType().equals("MatMul") && j + 1 < layers.size()
                && layers.get(j + 1).opType().equals("Add")) {
            j++;
        }
        if (!linear || !layers.get(j).name().equals(scores)) {
            throw new LoupeException("cam needs a linear classifier (Gemm, or MatMul + Add) producing the explained "
                    + "scores " + scores + " right after the global average pooling of " + layer + "; found "
                    + (j < layers.size() ? describe(layers.get(j)) : "nothing") + "." + use);
        }
    }

    private static String describe(LayerInfo l) {
        return l.opType() + " node " + l.nodeName();
    }

    /** w_ck = H·W·∂y_c/∂A_k(p), checked to be the same at every position p. */
    private static float[] classifierWeights(LayerValues layer) {
        float[] g = layer.requireGradients();
        int plane = layer.plane();
        float[] w = CamFormula.meanGradients(layer);
        for (int nk = 0; nk < w.length; nk++) {
            float mean = w[nk];
            for (int p = nk * plane; p < (nk + 1) * plane; p++) {
                if (Math.abs(g[p] - mean) > CONSTANT * Math.abs(mean) + 1e-12) {
                    throw new LoupeException("cam: the gradient at layer " + layer.name() + " differs between "
                            + "positions, so the layer does not reach the scores through global average pooling "
                            + "alone (it feeds other ops too). Use gradcam.");
                }
            }
            w[nk] = mean * plane;
        }
        return w;
    }
}
