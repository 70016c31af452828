package dev.loupe.method.shapleysampling;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.perturbation.FeatureMask;
import dev.loupe.perturbation.PerturbationSweep;
import dev.loupe.perturbation.Substrate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.osgi.service.component.annotations.Component;

/**
 * Shapley value sampling (Castro et al. 2009; Captum's {@code ShapleyValueSampling}): for random
 * permutations of the mask's features, the features are switched from the substrate to the input one
 * by one, and each feature is credited with the score's change when it joins; its value is the mean
 * over the permutations. Every permutation costs one evaluation per feature (plus one all-off
 * evaluation per input), and the values add up to f(x) − f(substrate) for any number of them.
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + ShapleySampling.ID)
public final class ShapleySampling implements Explainer {
    /** The method id. */
    public static final String ID = "shapley-sampling";
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "Shapley Value Sampling",
            "perturbation", "Castro, Gómez & Tejada 2009, Polynomial calculation of the Shapley value based on"
                    + " sampling; Strumbelj & Kononenko 2010",
            Set.of(Capability.FORWARD), parameters(),
            "Each feature's Shapley value for the class score: its mean marginal contribution over random orders in"
                    + " which the features are added to the substrate.");

    private static List<ParameterSpec> parameters() {
        List<ParameterSpec> p = new ArrayList<>();
        p.add(ParameterSpec.integer("permutations", 25, 1, 100_000, "random feature orders (Captum's n_samples);"
                + " each costs one forward pass per feature"));
        p.add(FeatureMask.parameter("grid:8"));
        p.addAll(Substrate.parameters("0"));
        p.add(ParameterSpec.integer("seed", 0, Integer.MIN_VALUE, Integer.MAX_VALUE, "random seed of the orders"));
        return List.copyOf(p);
    }

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        long started = System.nanoTime();
        int permutations = request.intParam("permutations");
        List<FeatureMask> masks = FeatureMask.parse(request.stringParam("mask"), inputs);
        float[] x = inputs.data();
        float[] substrate = Substrate.from(request).of(inputs).data();
        int n = inputs.batchSize();
        // drawn before any evaluation, so the batch plan cannot change them; rank[p][f] = f's place in order p
        SplittableRandom random = new SplittableRandom(request.intParam("seed"));
        int[][][] orders = new int[n][permutations][];
        int[][][] ranks = new int[n][permutations][];
        int[] evaluations = new int[n];
        for (int i = 0; i < n; i++) {
            int m = masks.get(i).features();
            evaluations[i] = 1 + permutations * m;
            for (int p = 0; p < permutations; p++) {
                orders[i][p] = shuffled(m, random);
                ranks[i][p] = new int[m];
                for (int j = 0; j < m; j++) {
                    ranks[i][p][orders[i][p][j]] = j;
                }
            }
        }
        PerturbationSweep sweep = new PerturbationSweep(model, request.objective(), inputs, context);
        int size = sweep.itemSize();
        // sample 0: all off; sample 1 + p·m + j: the first j + 1 features of order p on
        float[][] scores = sweep.objectives(evaluations, (i, s, dest, off) -> {
            FeatureMask mask = masks.get(i);
            boolean[] present = new boolean[mask.features()];
            if (s > 0) {
                int m = mask.features();
                int[] rank = ranks[i][(s - 1) / m];
                int last = (s - 1) % m;
                for (int f = 0; f < m; f++) {
                    present[f] = rank[f] <= last;
                }
            }
            mask.compose(x, i * size, substrate, i * size, present, dest, off);
        }, "feature orders");
        float[] map = new float[x.length];
        for (int i = 0; i < n; i++) {
            int m = masks.get(i).features();
            double[] phi = new double[m];
            for (int p = 0; p < permutations; p++) {
                double before = scores[i][0];
                for (int j = 0; j < m; j++) {
                    double after = scores[i][1 + p * m + j];
                    phi[orders[i][p][j]] += after - before;
                    before = after;
                }
            }
            for (int f = 0; f < m; f++) {
                phi[f] /= permutations;
            }
            masks.get(i).spread(phi, map, i * size);
        }
        return Attribution.of(ID, new Tensor(map, inputs.shape()), request)
                .withDetail("features", masks.stream().map(FeatureMask::features).toList())
                .withDetail("evaluations", Arrays.stream(evaluations).asLongStream().sum())
                .withTiming("total", (System.nanoTime() - started) / 1e6);
    }

    private static int[] shuffled(int m, SplittableRandom random) {
        int[] order = new int[m];
        for (int f = 0; f < m; f++) {
            order[f] = f;
        }
        for (int j = m - 1; j > 0; j--) {
            int r = random.nextInt(j + 1);
            int t = order[j];
            order[j] = order[r];
            order[r] = t;
        }
        return order;
    }
}
