package dev.loupe.relevance;

import dev.loupe.api.BackwardRule;
import dev.loupe.api.BackwardRules;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ModelSource;
import dev.loupe.api.Objective;
import dev.loupe.api.Tensor;
import dev.loupe.backend.onnx.OnnxBackend;
import dev.loupe.testkit.TestContext;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/** The tiny networks of src/test/python/make_rule_models.py and a one-call rule-driven pass on them. */
final class TinyModels {
    private TinyModels() {
    }

    /** @return a committed test model on the ONNX backend; close it */
    static ExplainableModel load(String name) {
        try {
            Path p = Path.of(TinyModels.class.getResource("/models/" + name + ".onnx").toURI());
            return new OnnxBackend().load(ModelSource.of(p));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the input relevance of one rule on every node of {@code opType}, for a one-hot seed at {@code target} */
    static float[] relevance(ExplainableModel model, float[] x, String opType, BackwardRule rule, int target) {
        return relevance(model, new Tensor(x, new long[] {1, x.length}), BackwardRules.byOpType(Map.of(opType, rule)),
                target).signal().data();
    }

    /** @return the signals of a rule set at the input, every input explaining class {@code target} */
    static RuleSweep.Signals relevance(ExplainableModel model, Tensor x, BackwardRules rules, int target) {
        int[] targets = new int[x.batchSize()];
        java.util.Arrays.fill(targets, target);
        return RuleSweep.atInput(model, x, Objective.logit(targets), rules, new TestContext(8));
    }
}
