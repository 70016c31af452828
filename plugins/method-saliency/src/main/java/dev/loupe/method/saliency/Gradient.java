package dev.loupe.method.saliency;

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

/** The signed input gradient ∂y_c/∂x: saliency without the absolute value, under its own id. */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + Gradient.ID)
public final class Gradient implements Explainer {
    /** The method id. */
    public static final String ID = "gradient";
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "Gradient", "gradient",
            "Simonyan, Vedaldi & Zisserman 2014, Deep Inside Convolutional Networks (the signed gradient; "
                    + "same as saliency with abs=false)",
            Set.of(Capability.INPUT_GRADIENT), List.of(),
            "The signed gradient of the class score: which input changes raise or lower it.");

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        return Attribution.of(ID, GradientSweep.of(model, request.objective(), inputs, context).inputGradients(inputs),
                request);
    }
}
