package dev.loupe.method.featureablation;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.perturbation.FeatureMask;
import dev.loupe.perturbation.PerturbationSweep;
import dev.loupe.perturbation.Substrate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Feature ablation (Captum's {@code FeatureAblation}): each feature of a mask in turn is replaced by
 * the substrate, and every element of the feature gets the score's drop f(x) − f(x without it).
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + FeatureAblation.ID)
public final class FeatureAblation implements Explainer {
    /** The method id. */
    public static final String ID = "feature-ablation";
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "Feature Ablation", "perturbation",
            "Captum's FeatureAblation (Kokhlikyan et al. 2020, Captum: A unified and generic model interpretability"
                    + " library for PyTorch); leave-one-out ablation",
            Set.of(Capability.FORWARD), parameters(),
            "How much the class score drops when each feature (a grid cell, a segment of a mask) alone is removed.");

    private static List<ParameterSpec> parameters() {
        List<ParameterSpec> p = new ArrayList<>();
        p.add(FeatureMask.parameter("grid:8"));
        p.addAll(Substrate.parameters("0"));
        return List.copyOf(p);
    }

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        long started = System.nanoTime();
        List<FeatureMask> masks = FeatureMask.parse(request.stringParam("mask"), inputs);
        float[] x = inputs.data();
        float[] substrate = Substrate.from(request).of(inputs).data();
        PerturbationSweep sweep = new PerturbationSweep(model, request.objective(), inputs, context);
        int size = sweep.itemSize();
        int n = inputs.batchSize();
        int[] features = new int[n];
        for (int i = 0; i < n; i++) {
            features[i] = masks.get(i).features();
        }
        float[] original = sweep.originals();
        float[][] ablated = sweep.objectives(features, (i, f, dest, off) ->
                masks.get(i).ablate(x, i * size, substrate, i * size, f, dest, off), "ablated features");
        float[] map = new float[x.length];
        for (int i = 0; i < n; i++) {
            double[] drop = new double[features[i]];
            for (int f = 0; f < drop.length; f++) {
                drop[f] = original[i] - ablated[i][f];
            }
            masks.get(i).spread(drop, map, i * size);
        }
        return Attribution.of(ID, new Tensor(map, inputs.shape()), request)
                .withDetail("features", Arrays.stream(features).boxed().toList())
                .withDetail("evaluations", n + Arrays.stream(features).asLongStream().sum())
                .withTiming("total", (System.nanoTime() - started) / 1e6);
    }
}
