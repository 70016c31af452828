package dev.loupe.platform.testplugins.gradient;

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
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.PassRequest;
import dev.loupe.api.Tensor;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/** Test method bundle: the input gradient, scaled by a parameter, computed through the model's pass. */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=test-gradient")
public class InputGradientMethod implements Explainer {
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor("test-gradient", "Test gradient",
            "gradient", "test", Set.of(Capability.INPUT_GRADIENT),
            List.of(ParameterSpec.number("scale", 1.0, -100, 100, "multiplies the gradient")), "d score / d input");

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), model.engineName())) {
            NDArray x = m.create(inputs.data(), new Shape(inputs.shape()));
            NDArray g = model.pass(PassRequest.inputGradient(x, request.objective())).inputGradient()
                    .mul(request.doubleParam("scale"));
            return Attribution.of(DESCRIPTOR.id(), new Tensor(g.toFloatArray(), inputs.shape()), request);
        }
    }
}
