package dev.loupe.method.deeplift;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.Attribution;
import dev.loupe.api.BackwardRules;
import dev.loupe.api.Capability;
import dev.loupe.api.ComputeService;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.Tensor;
import dev.loupe.gradient.Baselines;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * DeepLIFT (Shrikumar, Greenside & Kundaje 2017): each input element's contribution to the
 * difference of the explained score between the input and a reference, (x − x′) · m, with the
 * multipliers m of the linear rule, Rescale or RevealCancel propagated by a rule-driven backward
 * pass. As in Captum, every batch stacks the inputs and their references, so each nonlinear node
 * sees both of its values; the convergence delta Σattr − (F(x) − F(x′)) reports how exactly the
 * contributions sum to the difference (summation-to-delta).
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + DeepLift.ID)
public final class DeepLift implements Explainer {
    /** The method id. */
    public static final String ID = "deeplift";
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "DeepLIFT", "relevance",
            "Shrikumar, Greenside & Kundaje 2017, Learning Important Features Through Propagating Activation "
                    + "Differences",
            Set.of(Capability.INPUT_GRADIENT, Capability.BACKWARD_RULES),
            List.of(ParameterSpec.choice("rule", DeepLiftRules.Mode.RESCALE.id(), DeepLiftRules.Mode.ids(),
                            "multipliers of nonlinearities: rescale (Δy/Δx), reveal-cancel (positive and negative "
                                    + "parts of the preceding linear layer separated) or captum (Rescale as Captum 0.8 "
                                    + "computes it, for comparisons; its sums are not exact)"),
                    ParameterSpec.string("baseline", "zero", "the reference input x': " + Baselines.HELP),
                    Baselines.BLUR_SIGMA,
                    ParameterSpec.integer("seed", 0, 0, Integer.MAX_VALUE, "seed of the uniform baseline"),
                    ParameterSpec.bool("softmax-adjust", false, "subtract the mean over classes from the multipliers "
                            + "of the explained scores (the paper's adjustment for softmax outputs): explain the "
                            + "target against the average class")),
            "Each element's contribution to the change of the score from the reference input to the input; the "
                    + "contributions sum to that change.");

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        DESCRIPTOR.checkSupportedBy(model);
        DeepLiftRules.Mode mode = DeepLiftRules.Mode.of(request.stringParam("rule"));
        float[] x = inputs.data();
        float[] reference = new Baselines(inputs, request.doubleParam(Baselines.BLUR_SIGMA.name()),
                request.intParam("seed")).single(request.stringParam("baseline")).data();
        Objective objective = request.objective();
        boolean probability = objective.kind() == Objective.Kind.PROBABILITY;
        // a probability's multipliers are made at the scores by the seed rule: the pass starts from the raw score
        Objective passObjective = probability
                ? new Objective(Objective.Kind.LOGIT, objective.output(), objective.targets(), null) : objective;
        String scores = objective.output() != null ? objective.output() : model.info().scores().tensor();
        DeepLiftRules.Notes notes = new DeepLiftRules.Notes();
        boolean adjust = request.boolParam("softmax-adjust");
        BackwardRules rules = DeepLiftRules.of(mode, scores, probability, adjust, notes);

        int n = inputs.batchSize();
        int size = inputs.itemSize();
        float[] attribution = new float[x.length];
        double[] delta = new double[n];
        ComputeService compute = context.compute();
        // plan inputs, not rows: each batch carries its references too, so a pair is never split
        ComputeService.BatchPlan plan = compute.plan(new ComputeService.Workload(n, 2 * model.bytesPerEvaluation(true), true,
                "inputs (each with its reference)"), model);
        compute.run(plan, batch -> {
            int b = batch.size();
            int from = batch.start() * size;
            float[] rows = new float[2 * b * size];
            System.arraycopy(x, from, rows, 0, b * size);
            System.arraycopy(reference, from, rows, b * size, b * size);
            int[] owners = new int[2 * b];
            Arrays.setAll(owners, j -> batch.start() + j % b);
            ExplainableModel local = model.onDevice(batch.device());
            try (NDManager m = local.newManager()) {
                NDArray input = m.create(rows, new Shape(batchShape(inputs.shape(), 2 * b)));
                PassResult r = local.pass(PassRequest.inputGradient(input, passObjective.select(owners))
                        .withRules(rules));
                float[] multipliers = r.inputGradient().toFloatArray();
                float[] values = explained(objective.select(owners), r.output(), adjust).toFloatArray();
                for (int j = 0; j < b; j++) {
                    double sum = 0;
                    for (int p = j * size; p < (j + 1) * size; p++) {
                        float a = (x[from + p] - reference[from + p]) * multipliers[p];
                        attribution[from + p] = a;
                        sum += a;
                    }
                    delta[batch.start() + j] = sum - ((double) values[j] - values[b + j]);
                }
            }
            return null;
        }, context.progress(), context.cancellation());

        Attribution result = Attribution.of(ID, new Tensor(attribution, inputs.shape()), request)
                .withConvergenceDelta(delta);
        if (!notes.plainGradientNodes().isEmpty()) {
            result = result.withDetail("gradient at nonlinear nodes", notes.plainGradientNodes());
        }
        if (!notes.rescaleNodes().isEmpty()) {
            result = result.withDetail("rescale instead of reveal-cancel", notes.rescaleNodes());
        }
        return result;
    }

    /**
     * The explained value F per row: the objective, or with the softmax adjustment of a raw score
     * that score less the mean class score (a contrast and a probability are unchanged by it).
     */
    private static NDArray explained(Objective objective, NDArray scores, boolean adjust) {
        NDArray value = objective.score(scores);
        if (!adjust || objective.kind() != Objective.Kind.LOGIT) {
            return value;
        }
        long rows = scores.getShape().get(0);
        return value.sub(scores.reshape(rows, -1).sum(new int[] {1}).div((float) scores.getShape().get(1)));
    }

    private static long[] batchShape(long[] shape, int rows) {
        long[] s = shape.clone();
        s[0] = rows;
        return s;
    }
}
