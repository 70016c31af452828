package dev.loupe.method.deconvnet;

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
 * Deconvnet (Zeiler and Fergus 2014), as a backward pass: the input gradient with every ReLU passing
 * the positive part of the signal, whatever its forward input was.
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + Deconvnet.ID)
public final class Deconvnet implements Explainer {
    /** The method id. */
    public static final String ID = "deconvnet";
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "Deconvnet", "relevance",
            "Zeiler & Fergus 2014, Visualizing and Understanding Convolutional Networks",
            Set.of(Capability.BACKWARD_RULES, Capability.INPUT_GRADIENT), List.of(),
            "The signal projected back through the network with ReLUs passing only its positive part, "
                    + "independent of which units were active.");

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        long start = System.nanoTime();
        Tensor signal = RuleSweep.atInput(model, inputs, request.objective(), ReluRules.deconvnet(), context).signal();
        return Attribution.of(ID, signal, request).withDetail("rule", "Relu: max(signal, 0), whatever the input")
                .withTiming("total", (System.nanoTime() - start) / 1e6);
    }
}
