package dev.loupe.distribution.testmethod;

import ai.djl.Device;
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
import dev.loupe.api.PassRequest;
import dev.loupe.api.Tensor;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * A method bundle for the end-to-end tests (built with bnd by {@code BackendsIT}): the plain
 * input gradient through the model's pass, so that it needs INPUT_GRADIENT.
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + GradientMethod.ID)
public class GradientMethod implements Explainer {
    /** The method id. */
    public static final String ID = "e2e-gradient";
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "End-to-end test gradient",
            "gradient", "test", Set.of(Capability.INPUT_GRADIENT), List.of(), "d score / d input");

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), model.engineName())) {
            NDArray x = m.create(inputs.data(), new Shape(inputs.shape()));
            NDArray g = model.pass(PassRequest.inputGradient(x, request.objective())).inputGradient();
            return Attribution.of(ID, new Tensor(g.toFloatArray(), inputs.shape()), request);
        }
    }
}
