package dev.loupe.method.lrp;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.relevance.Composite;
import dev.loupe.relevance.Conservation;
import dev.loupe.relevance.LrpRules;
import dev.loupe.relevance.RuleMap;
import dev.loupe.relevance.RuleSweep;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Layer-wise relevance propagation (Bach et al. 2015; Montavon et al. 2019): the explained score is
 * put at the output as relevance and handed down layer by layer, each layer sharing it among its
 * inputs by a rule; a composite chooses the rule per kind of layer and the {@code rules} parameter
 * per layer. The relevance at the output is the objective's value (as in Bach et al. and Captum),
 * so the map sums to the explained score where the rules conserve relevance; Zennit seeds 1 instead,
 * which scales its maps by 1 / score.
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + Lrp.ID)
public final class Lrp implements Explainer {
    /** The method id. */
    public static final String ID = "lrp";
    /** The default composite, Zennit's recommendation for convolutional networks. */
    public static final String DEFAULT_COMPOSITE = Composite.EPSILON_PLUS_FLAT.id();
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "Layer-wise Relevance Propagation",
            "relevance",
            "Bach et al. 2015, On Pixel-Wise Explanations for Non-Linear Classifier Decisions by Layer-Wise "
                    + "Relevance Propagation; Montavon et al. 2019, Layer-Wise Relevance Propagation: An Overview",
            Set.of(Capability.BACKWARD_RULES, Capability.INPUT_GRADIENT),
            List.of(ParameterSpec.choice("composite", DEFAULT_COMPOSITE, Composite.ids(),
                            "which rule each kind of layer gets: " + String.join("; ", Composite.ids().stream()
                                    .map(id -> id + " = " + Composite.of(id).description()).toList())),
                    ParameterSpec.number("epsilon", 1e-6, 0, 1e6, "epsilon of the epsilon rule"),
                    ParameterSpec.number("stabilizer", 1e-6, 0, 1, "the denominator stabiliser of the other rules"),
                    ParameterSpec.number("gamma", 0.25, 0, 1e6, "gamma of the gamma rule"),
                    ParameterSpec.number("alpha", 2, 0, 1e6, "alpha of the alpha-beta rule (alpha - beta = 1)"),
                    ParameterSpec.number("beta", 1, 0, 1e6, "beta of the alpha-beta rule (alpha - beta = 1)"),
                    optionalNumber("low", "z-box: the lowest input value (default: each input's own minimum)"),
                    optionalNumber("high", "z-box: the highest input value (default: each input's own maximum)"),
                    ParameterSpec.string("rules", null, "per-layer rules overriding the composite, layer=rule pairs "
                            + "separated by ';' (layer: node or output tensor name; rules: "
                            + String.join(", ", LrpRules.NAMES) + ")"),
                    ParameterSpec.bool("merge-batchnorm", true, "fold BatchNorm into the layer before it "
                            + "(false: BatchNorm is a layer of its own, as in Captum)")),
            "Each input element's share of the explained score, handed down from the output layer by layer "
                    + "by relevance-conserving rules; positive relevance speaks for the class, negative against.");

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        Composite composite = Composite.of(request.stringParam("composite"));
        LrpRules.Settings settings = new LrpRules.Settings(request.doubleParam("epsilon"),
                request.doubleParam("stabilizer"), request.doubleParam("gamma"), request.doubleParam("alpha"),
                request.doubleParam("beta"), optional(request, "low"), optional(request, "high"));
        RuleMap rules = composite.ruleMap(model.info(), request.boolParam("merge-batchnorm"))
                .withOverrides(request.stringParam("rules"), model.info());
        RuleSweep.Signals signals = RuleSweep.atInput(model, inputs, request.objective(), rules.build(settings),
                context);
        // the sweep seeds d objective / d scores; relevance at the output is the objective itself
        float[] objective = signals.objective();
        float[] r = signals.signal().data().clone();
        int size = signals.signal().itemSize();
        for (int p = 0; p < r.length; p++) {
            r[p] *= objective[p / size];
        }
        RuleSweep.Signals scaled = new RuleSweep.Signals(new Tensor(r, signals.signal().shape()),
                signals.activation(), objective);
        Conservation conservation = Conservation.of(scaled.sums(), objective);
        Tensor relevance = scaled.signal();
        Attribution a = Attribution.of(ID, relevance, request)
                .withConvergenceDelta(conservation.deltas())
                .withDetail("composite", composite.id())
                .withDetail("rules", rules.describe())
                .withDetail("conservation", conservation.perInput());
        return rules.uses(LrpRules.Z_BOX) ? a.withDetail("z-box bounds", bounds(settings)) : a;
    }

    private static String bounds(LrpRules.Settings settings) {
        return (settings.low() == null ? "each input's minimum" : settings.low().toString()) + " .. "
                + (settings.high() == null ? "each input's maximum" : settings.high().toString());
    }

    private static ParameterSpec optionalNumber(String name, String description) {
        return new ParameterSpec(name, ParameterSpec.Type.NUMBER, null, null, null, List.of(), description);
    }

    private static Double optional(ExplanationRequest request, String name) {
        Object v = request.parameters().get(name);
        return v == null ? null : ((Number) v).doubleValue();
    }
}
