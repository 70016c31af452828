package dev.loupe.cam;

/**
 * How a CAM method turns one layer's values into its raw map — the only part in which CAM methods
 * differ. The core does the rest: capture, ReLU, normalisation, upsampling, averaging over layers.
 */
@FunctionalInterface
public interface CamFormula {

    /**
     * @param layer the layer's activations (and gradients, for gradient methods)
     * @param probe forward passes of the model on the same inputs, for methods that need them
     * @return the raw map, [N, H, W] at the layer's resolution, before ReLU
     */
    float[] rawMap(LayerValues layer, CamProbe probe);

    /** Per-channel weights w[n, k] of a map Σ_k w[n, k]·A[n, k]. */
    @FunctionalInterface
    interface ChannelWeights {
        /**
         * @param layer the layer's values
         * @param probe forward passes, for weights measured by perturbation
         * @return the weights, [N, C]
         */
        float[] weights(LayerValues layer, CamProbe probe);
    }

    /** One position's share of its channel's weight: w[n, k] = Σ_p term(g, A, Σ_q A[n, k, q]). */
    @FunctionalInterface
    interface WeightTerm {
        /**
         * @param gradient the gradient at the position
         * @param activation the activation at the position
         * @param activationSum the channel's activations summed over all positions
         * @return the position's share of the weight
         */
        double term(double gradient, double activation, double activationSum);
    }

    /** One position's term of a map Σ_k f(g[n, k, p], A[n, k, p]). */
    @FunctionalInterface
    interface PositionTerm {
        /**
         * @param gradient the gradient at the position
         * @param activation the activation at the position
         * @return the term
         */
        float term(float gradient, float activation);
    }

    /** @return the map Σ_k w[n, k]·A[n, k] (Grad-CAM, Grad-CAM++, XGrad-CAM, Score-CAM, Ablation-CAM) */
    static CamFormula weighted(ChannelWeights weights) {
        return (layer, probe) -> MapOps.weightedSum(layer, weights.weights(layer, probe));
    }

    /** @return the map Σ_k f(g, A) taken position by position (HiResCAM, LayerCAM) */
    static CamFormula perPosition(PositionTerm term) {
        return (layer, probe) -> {
            float[] a = layer.activations();
            float[] g = layer.requireGradients();
            int plane = layer.plane();
            float[] out = new float[layer.images() * plane];
            for (int n = 0; n < layer.images(); n++) {
                for (int k = 0; k < layer.channels(); k++) {
                    int s = layer.offset(n, k);
                    for (int p = 0; p < plane; p++) {
                        out[n * plane + p] += term.term(g[s + p], a[s + p]);
                    }
                }
            }
            return out;
        };
    }

    /**
     * @param term the values whose first principal component is taken, position by position
     *     (the activations for EigenCAM, gradient × activation for EigenGrad-CAM)
     * @return the projection of each position on the first principal component of the channels
     */
    static CamFormula firstComponent(PositionTerm term) {
        return (layer, probe) -> {
            float[] a = layer.activations();
            float[] g = layer.gradients();
            float[] values = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                values[i] = term.term(g == null ? 0f : g[i], a[i]);
            }
            int plane = layer.plane();
            float[] out = new float[layer.images() * plane];
            for (int n = 0; n < layer.images(); n++) {
                float[] p = PrincipalComponent.project(values, layer.offset(n, 0), layer.channels(), plane);
                System.arraycopy(p, 0, out, n * plane, plane);
            }
            return out;
        };
    }

    /** @return channel weights summed position by position (Grad-CAM++, XGrad-CAM) */
    static ChannelWeights summed(WeightTerm term) {
        return (layer, probe) -> {
            float[] a = layer.activations();
            float[] g = layer.requireGradients();
            int plane = layer.plane();
            float[] w = new float[layer.images() * layer.channels()];
            for (int nk = 0; nk < w.length; nk++) {
                double sum = 0;
                for (int p = nk * plane; p < (nk + 1) * plane; p++) {
                    sum += a[p];
                }
                double weight = 0;
                for (int p = nk * plane; p < (nk + 1) * plane; p++) {
                    weight += term.term(g[p], a[p], sum);
                }
                w[nk] = (float) weight;
            }
            return w;
        };
    }

    /** @return the spatial mean of the gradient per channel: Grad-CAM's weights */
    static float[] meanGradients(LayerValues layer) {
        float[] g = layer.requireGradients();
        int plane = layer.plane();
        float[] w = new float[layer.images() * layer.channels()];
        for (int nk = 0; nk < w.length; nk++) {
            double s = 0;
            for (int p = 0; p < plane; p++) {
                s += g[nk * plane + p];
            }
            w[nk] = (float) (s / plane);
        }
        return w;
    }
}
