package org.example.loupe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.PassRequest;
import dev.loupe.api.Tensor;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * The sign of the input gradient, scaled by epsilon: the direction in which the fast gradient
 * sign method (FGSM) moves each input element to raise the explained score.
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=gradient-sign")
public class GradientSignMethod implements Explainer {
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(
            "gradient-sign", "Gradient sign (FGSM direction)", "gradient",
            "Goodfellow, Shlens & Szegedy 2015, Explaining and Harnessing Adversarial Examples",
            Set.of(Capability.INPUT_GRADIENT),
            List.of(ParameterSpec.number("epsilon", 1.0, 0, 1000, "step size multiplying the sign")),
            "epsilon * sign(d score / d input): which way each input element pushes the score");

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        // one manager per call, on the model's engine; closing it frees every array made here
        try (NDManager manager = model.newManager()) {
            NDArray x = manager.create(inputs.data(), new Shape(inputs.shape()));
            NDArray gradient = model.pass(PassRequest.inputGradient(x, request.objective())).inputGradient();
            NDArray map = gradient.sign().mul(request.doubleParam("epsilon"));
            return Attribution.of(DESCRIPTOR.id(), new Tensor(map.toFloatArray(), inputs.shape()), request);
        }
    }
}
