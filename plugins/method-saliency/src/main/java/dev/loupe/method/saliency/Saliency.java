package dev.loupe.method.saliency;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.gradient.GradientSweep;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/** Saliency (Simonyan et al. 2014): |∂y_c/∂x| per input element; {@code abs=false} keeps the sign. */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + Saliency.ID)
public final class Saliency implements Explainer {
    /** The method id. */
    public static final String ID = "saliency";
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "Saliency", "gradient",
            "Simonyan, Vedaldi & Zisserman 2014, Deep Inside Convolutional Networks: Visualising Image "
                    + "Classification Models and Saliency Maps",
            Set.of(Capability.INPUT_GRADIENT),
            List.of(ParameterSpec.bool("abs", true, "absolute value of the gradient (false: the signed gradient)")),
            "How strongly the class score reacts to a small change of each input element.");

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        Tensor g = GradientSweep.of(model, request.objective(), inputs, context).inputGradients(inputs);
        if (request.boolParam("abs")) {
            float[] v = g.data();
            for (int p = 0; p < v.length; p++) {
                v[p] = Math.abs(v[p]);
            }
        }
        return Attribution.of(ID, g, request);
    }
}
