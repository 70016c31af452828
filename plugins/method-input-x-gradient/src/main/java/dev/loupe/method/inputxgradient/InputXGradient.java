package dev.loupe.method.inputxgradient;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.Tensor;
import dev.loupe.gradient.GradientSweep;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Gradient × Input: x ⊙ ∂y_c/∂x. For a model linear in x (without bias) it is the exact
 * contribution of each element; in general a first-order one.
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + InputXGradient.ID)
public final class InputXGradient implements Explainer {
    /** The method id. */
    public static final String ID = "input-x-gradient";
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "Gradient × Input", "gradient",
            "Shrikumar et al. 2016, Not Just a Black Box: Learning Important Features Through Propagating "
                    + "Activation Differences",
            Set.of(Capability.INPUT_GRADIENT), List.of(),
            "Each input element times the gradient of the class score: a first-order estimate of its contribution.");

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        Tensor g = GradientSweep.of(model, request.objective(), inputs, context).inputGradients(inputs);
        float[] v = g.data();
        float[] x = inputs.data();
        for (int p = 0; p < v.length; p++) {
            v[p] *= x[p];
        }
        return Attribution.of(ID, g, request);
    }
}
