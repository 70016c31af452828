package dev.loupe.method.integratedgradients;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.gradient.Baselines;
import dev.loupe.gradient.GradientSweep;
import dev.loupe.gradient.Quadrature;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Integrated Gradients (Sundararajan et al. 2017): (x − x′) ⊙ ∫₀¹ ∇F(x′ + α(x − x′)) dα, the
 * integral taken by a quadrature rule. All steps of all inputs are one sweep through the compute
 * service; the convergence delta Σattr − (F(x) − F(x′)) says how far the sum is from completeness.
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + IntegratedGradients.ID)
public final class IntegratedGradients implements Explainer {
    /** The method id. */
    public static final String ID = "integrated-gradients";
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "Integrated Gradients", "gradient",
            "Sundararajan, Taly & Yan 2017, Axiomatic Attribution for Deep Networks",
            Set.of(Capability.INPUT_GRADIENT),
            List.of(ParameterSpec.integer("steps", 50, 1, 100_000, "integration steps"),
                    ParameterSpec.choice("method", Quadrature.GAUSS_LEGENDRE.id(), Quadrature.ids(),
                            "integration rule (Captum's names)"),
                    ParameterSpec.string("baseline", "zero", "the reference input x': " + Baselines.HELP),
                    Baselines.BLUR_SIGMA,
                    ParameterSpec.integer("seed", 0, 0, Integer.MAX_VALUE,
                            "seed of the uniform baseline")),
            "Each element's share of the score difference between the baseline and the input, accumulated "
                    + "along the straight path between them; the shares sum to that difference.");

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        Quadrature.Nodes nodes = Quadrature.of(request.stringParam("method")).nodes(request.intParam("steps"));
        float[] x = inputs.data();
        float[] base = new Baselines(inputs, request.doubleParam(Baselines.BLUR_SIGMA.name()), request.intParam("seed"))
                .single(request.stringParam("baseline")).data();
        GradientSweep sweep = GradientSweep.of(model, request.objective(), inputs, context);
        int size = sweep.itemSize();
        int n = inputs.batchSize();
        float[] diff = new float[x.length];
        for (int p = 0; p < x.length; p++) {
            diff[p] = x[p] - base[p];
        }
        double[] alphas = nodes.alphas();
        double[] weights = nodes.weights();
        // Σ_k w_k ∇F(x′ + α_k (x − x′)), accumulated in double in step order whatever the batches
        double[] integral = new double[x.length];
        sweep.gradients(n, nodes.size(), (i, k, dest, off) -> {
            int from = i * size;
            float a = (float) alphas[k];
            for (int p = 0; p < size; p++) {
                dest[off + p] = base[from + p] + a * diff[from + p];
            }
        }, (i, k, g, off, value) -> {
            int from = i * size;
            double w = weights[k];
            for (int p = 0; p < size; p++) {
                integral[from + p] += w * g[off + p];
            }
        }, "integration steps");
        float[] attribution = new float[x.length];
        double[] sums = new double[n];
        for (int p = 0; p < x.length; p++) {
            attribution[p] = (float) (diff[p] * integral[p]);
            sums[p / size] += attribution[p];
        }
        // F(x) and F(x′) per input: points 0 and 1
        float[] ends = sweep.objectives(n, 2,
                (i, k, dest, off) -> System.arraycopy(k == 0 ? x : base, i * size, dest, off, size));
        double[] delta = new double[n];
        for (int i = 0; i < n; i++) {
            delta[i] = sums[i] - ((double) ends[2 * i] - ends[2 * i + 1]);
        }
        return Attribution.of(ID, new Tensor(attribution, inputs.shape()), request).withConvergenceDelta(delta);
    }
}
