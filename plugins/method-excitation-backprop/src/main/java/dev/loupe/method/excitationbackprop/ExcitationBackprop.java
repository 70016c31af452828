package dev.loupe.method.excitationbackprop;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.Tensor;
import dev.loupe.api.BackwardRules;
import dev.loupe.relevance.RuleSweep;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Excitation Backprop (Zhang et al. 2016): the class's winning probability passed down through
 * excitatory (positive-weight) connections, each unit sharing it among its inputs in proportion to
 * a⁺w⁺; read at the input or, with {@code --layer}, summed over a layer's channels as TorchRay does.
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + ExcitationBackprop.ID)
public final class ExcitationBackprop implements Explainer {
    /** The method id. */
    public static final String ID = "excitation-backprop";
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "Excitation Backprop", "relevance",
            "Zhang, Lin, Brandt, Shen & Sclaroff 2016, Top-down Neural Attention by Excitation Backprop",
            Set.of(Capability.BACKWARD_RULES, Capability.INPUT_GRADIENT, Capability.LAYER_GRADIENT),
            WinningProbabilities.PARAMETERS,
            "How likely each input element (or layer position, with --layer) is to be a winner for the class "
                    + "when its probability flows down the network's positive connections.");

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        long start = System.nanoTime();
        String layer = WinningProbabilities.layer(model, request, ID);
        BackwardRules rules = WinningProbabilities.rules(request);
        RuleSweep.Signals signals = RuleSweep.run(model, inputs, request.objective(), (x, o) -> rules, layer,
                context);
        return WinningProbabilities.attribution(ID, signals, layer, false, inputs, request)
                .withTiming("total", (System.nanoTime() - start) / 1e6);
    }
}
