package dev.loupe.cam;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A CAM method made of a descriptor and a formula; the core does the rest. Subclasses are
 * registered as {@link Explainer} services in their own bundles.
 */
public abstract class CamExplainer implements Explainer {
    private final MethodDescriptor descriptor;
    private final boolean gradients;

    /** @param descriptor the method's descriptor (see {@link #describe}) */
    protected CamExplainer(MethodDescriptor descriptor) {
        this.descriptor = descriptor;
        this.gradients = descriptor.requires().contains(Capability.LAYER_GRADIENT);
    }

    /**
     * @param id the method id
     * @param displayName the human name
     * @param citation the paper
     * @param gradients whether the method reads the objective's gradient at the layer
     * @param parameters the method's own parameters
     * @param description what the map shows
     * @return a descriptor of the {@code cam} family needing layer activations (and gradients)
     */
    protected static MethodDescriptor describe(String id, String displayName, String citation, boolean gradients,
            List<ParameterSpec> parameters, String description) {
        Set<Capability> requires = gradients ? EnumSet.of(Capability.LAYER_ACTIVATION, Capability.LAYER_GRADIENT)
                : EnumSet.of(Capability.LAYER_ACTIVATION, Capability.FORWARD);
        return new MethodDescriptor(id, displayName, "cam", citation, requires, parameters, description);
    }

    /**
     * @param request the request with its resolved parameters
     * @return the formula for this request
     */
    protected abstract CamFormula formula(ExplanationRequest request);

    @Override
    public final MethodDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        return ClassActivationMaps.explain(descriptor.id(), gradients, formula(request), model, inputs, request,
                context);
    }
}
