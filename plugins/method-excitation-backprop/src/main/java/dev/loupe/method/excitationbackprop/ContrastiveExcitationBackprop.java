package dev.loupe.method.excitationbackprop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.loupe.api.Attribution;
import dev.loupe.api.BackwardRule;
import dev.loupe.api.BackwardRules;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.ModelInfo.LayerInfo;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.PassRequest;
import dev.loupe.api.Tensor;
import dev.loupe.relevance.LrpRules;
import dev.loupe.relevance.OpContexts;
import dev.loupe.relevance.RuleSweep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Contrastive Excitation Backprop (Zhang et al. 2016), as TorchRay computes it: a first pass with
 * the classifier's weights negated gives the probabilities of "not the class" at a contrast layer;
 * the second, ordinary pass subtracts them there and carries the difference down. At a layer the map
 * keeps the positive part of the channel sum.
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + ContrastiveExcitationBackprop.ID)
public final class ContrastiveExcitationBackprop implements Explainer {
    /** The method id. */
    public static final String ID = "contrastive-excitation-backprop";
    private static final Set<String> WEIGHTED = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul");
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "Contrastive Excitation Backprop",
            "relevance", "Zhang, Lin, Brandt, Shen & Sclaroff 2016, Top-down Neural Attention by Excitation Backprop",
            Set.of(Capability.BACKWARD_RULES, Capability.INPUT_GRADIENT, Capability.LAYER_GRADIENT),
            parameters(),
            "Where the evidence for the class is, minus the evidence for everything else: Excitation Backprop "
                    + "with the other classes' probabilities subtracted at a contrast layer.");

    private static List<ParameterSpec> parameters() {
        List<ParameterSpec> p = new ArrayList<>(WinningProbabilities.PARAMETERS);
        p.add(ParameterSpec.string("classifier", "", "the classifier layer whose weights are negated (node or "
                + "tensor name); empty: the last convolution or fully connected layer"));
        p.add(ParameterSpec.string("contrast-layer", "", "where the contrast is subtracted (node or tensor name); "
                + "empty: the classifier's input"));
        return List.copyOf(p);
    }

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        long start = System.nanoTime();
        String layer = WinningProbabilities.layer(model, request, ID);
        LayerInfo classifier = classifier(model, request.stringParam("classifier"));
        String contrastName = request.stringParam("contrast-layer");
        if (contrastName.isBlank()) {
            if (classifier.inputs().isEmpty()) {
                throw new LoupeException("the backend does not say what feeds the classifier '"
                        + classifier.nodeName() + "'; name the contrast layer with --param contrast-layer=LAYER");
            }
            contrastName = classifier.inputs().get(0);
        }
        LayerInfo contrast = WinningProbabilities.layerInfo(model, contrastName);
        BackwardRules rules = WinningProbabilities.rules(request);
        BackwardRule classifierRule = rules.ruleFor(classifier.opType(), classifier.nodeName());
        Map<String, BackwardRule> negated = new HashMap<>(rules.byNodeName());
        negated.put(classifier.nodeName(), OpContexts.withParameters(classifierRule,
                ContrastiveExcitationBackprop::negateWeight));
        BackwardRules contrastRules = new BackwardRules(rules.byOpType(), negated, rules.canonizers());
        BackwardRule atContrast = rules.ruleFor(contrast.opType(), contrast.nodeName());
        BackwardRule passing = atContrast != null ? atContrast : LrpRules.gradient();
        RuleSweep.Signals signals = RuleSweep.run(model, inputs, request.objective(), (x, targets) -> {
            // the probabilities of "not the class" at the contrast layer, for this batch
            NDArray against = model.pass(PassRequest.layers(x, targets, List.of(contrast.name()))
                    .withRules(contrastRules)).layerGradients().get(contrast.name());
            Map<String, BackwardRule> subtracting = new HashMap<>(rules.byNodeName());
            subtracting.put(contrast.name(), OpContexts.withSignal(passing, g -> g.sub(against)));
            return new BackwardRules(rules.byOpType(), subtracting, rules.canonizers());
        }, layer, context);
        return WinningProbabilities.attribution(ID, signals, layer, true, inputs, request)
                .withDetail("classifier", classifier.nodeName()).withDetail("contrastLayer", contrast.name())
                .withTiming("total", (System.nanoTime() - start) / 1e6);
    }

    /** @return the named layer, or the last convolution or fully connected layer */
    private static LayerInfo classifier(ExplainableModel model, String name) {
        if (!name.isBlank()) {
            LayerInfo l = WinningProbabilities.layerInfo(model, name);
            if (!WEIGHTED.contains(l.opType())) {
                throw new LoupeException("the classifier must be a convolution or fully connected layer; '" + name
                        + "' is a " + l.opType());
            }
            return l;
        }
        List<LayerInfo> layers = model.info().layers();
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (WEIGHTED.contains(layers.get(i).opType())) {
                return layers.get(i);
            }
        }
        throw new LoupeException(ID + " needs a convolution or fully connected classifier layer; the model has none");
    }

    /** The classifier with its weight negated: the scores of "not the class". */
    private static NDList negateWeight(NDList parameters) {
        NDList out = new NDList(parameters.size());
        for (int i = 0; i < parameters.size(); i++) {
            out.add(i == 0 ? parameters.get(0).neg() : parameters.get(i));
        }
        return out;
    }
}
