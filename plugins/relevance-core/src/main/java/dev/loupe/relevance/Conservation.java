package dev.loupe.relevance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much of the relevance put at the output reaches the input, per input: LRP's conservation
 * property. Biases, stabilisers and rules such as flat with a bias absorb or add some; z-plus,
 * alpha-beta and epsilon → 0 on a bias-free network conserve it exactly.
 *
 * @param relevance Σ input relevance, per input
 * @param output the relevance put at the output (the explained objective), per input
 */
public record Conservation(double[] relevance, double[] output) {

    /** Checks the lengths and copies. */
    public Conservation {
        if (relevance.length != output.length) {
            throw new IllegalArgumentException(relevance.length + " sums for " + output.length + " outputs");
        }
        relevance = relevance.clone();
        output = output.clone();
    }

    /**
     * @param sums Σ input relevance per input
     * @param objective the objective per input
     * @return the conservation figures
     */
    public static Conservation of(double[] sums, float[] objective) {
        double[] out = new double[objective.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = objective[i];
        }
        return new Conservation(sums, out);
    }

    /** @return Σ relevance − output relevance, per input (Captum's convergence delta for LRP) */
    public double[] deltas() {
        double[] d = new double[relevance.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = relevance[i] - output[i];
        }
        return d;
    }

    /** @return Σ relevance / output relevance, per input (1 = conserved; NaN where the output is 0) */
    public double[] ratios() {
        double[] r = new double[relevance.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = output[i] == 0 ? Double.NaN : relevance[i] / output[i];
        }
        return r;
    }

    /** @return one entry per input (relevance, objective, ratio), for an attribution's details */
    public List<Map<String, Object>> perInput() {
        double[] ratios = ratios();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < relevance.length; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("relevance", relevance[i]);
            row.put("objective", output[i]);
            row.put("ratio", ratios[i]);
            rows.add(row);
        }
        return rows;
    }
}
