package dev.loupe.method.guidedbackprop;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.Tensor;
import dev.loupe.relevance.ReluRules;
import dev.loupe.relevance.RuleSweep;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Guided backpropagation (Springenberg et al. 2015): the input gradient with every ReLU passing only
 * positive signal, and only where its forward input was positive.
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + GuidedBackprop.ID)
public final class GuidedBackprop implements Explainer {
    /** The method id. */
    public static final String ID = "guided-backprop";
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "Guided backprop", "relevance",
            "Springenberg, Dosovitskiy, Brox & Riedmiller 2015, Striving for Simplicity: The All Convolutional Net",
            Set.of(Capability.BACKWARD_RULES, Capability.INPUT_GRADIENT), List.of(),
            "The gradient with ReLUs letting through only positive signal where they were active: sharp, "
                    + "image-like maps of the features that raise the class score.");

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        long start = System.nanoTime();
        Tensor signal = RuleSweep.atInput(model, inputs, request.objective(), ReluRules.guided(), context).signal();
        return Attribution.of(ID, signal, request).withDetail("rule", "Relu: max(signal, 0) where input > 0")
                .withTiming("total", (System.nanoTime() - start) / 1e6);
    }
}
