package dev.loupe.metric.faithfulness;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.Metric;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.PassRequest;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.FunctionModel;
import dev.loupe.testkit.TestContext;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntUnaryOperator;

/**
 * A linear model f_c(x) = w_c · x + b_c on inputs [N, 3, 4, 4] with two classes, whose exact
 * attributions are known in closed form, and helpers to score maps on it.
 */
final class Linear {
    static final long[] ITEM = {3, 4, 4};
    static final int SIZE = 48;
    static final int CLASSES = 2;
    /** w[c * SIZE + j]. */
    final float[] w = new float[CLASSES * SIZE];
    final float[] bias = {0.3f, -1.2f};
    final FunctionModel model;
    /** Three inputs, explained for classes 0, 1, 1. */
    final Tensor inputs;
    final int[] targets = {0, 1, 1};

    Linear() {
        Random r = new Random(11);
        for (int j = 0; j < w.length; j++) {
            w[j] = (float) r.nextGaussian();
        }
        float[] x = new float[3 * SIZE];
        for (int j = 0; j < x.length; j++) {
            x[j] = (float) (r.nextGaussian() + 0.2);
        }
        inputs = new Tensor(x, new long[] {3, 3, 4, 4});
        // w laid out [SIZE, CLASSES] for the matrix product
        float[] wt = new float[SIZE * CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            for (int j = 0; j < SIZE; j++) {
                wt[j * CLASSES + c] = w[c * SIZE + j];
            }
        }
        model = new FunctionModel("linear", ITEM, CLASSES, v -> {
            NDManager m = v.getManager();
            NDArray flat = v.reshape(v.getShape().get(0), SIZE);
            return flat.matMul(m.create(wt, new Shape(SIZE, CLASSES))).add(m.create(bias));
        });
    }

    /** @return a map whose value at element j of input i is {@code value(i, j)} */
    Tensor map(ElementValue value) {
        float[] out = new float[inputs.data().length];
        for (int i = 0; i < inputs.batchSize(); i++) {
            for (int j = 0; j < SIZE; j++) {
                out[i * SIZE + j] = value.of(i, j);
            }
        }
        return new Tensor(out, inputs.shape());
    }

    /** @return w of input i's target at element j */
    float weight(int i, int j) {
        return w[targets[i] * SIZE + j];
    }

    /** @return x of input i at element j */
    float x(int i, int j) {
        return inputs.data()[i * SIZE + j];
    }

    /** @return ‖w_t‖² of input i's target */
    double weightNormSquared(int i) {
        double s = 0;
        for (int j = 0; j < SIZE; j++) {
            s += (double) weight(i, j) * weight(i, j);
        }
        return s;
    }

    /** @return an attribution of this map for the targets */
    Attribution attribution(String method, Tensor map) {
        return Attribution.of(method, map, new ExplanationRequest(Objective.logit(targets), List.of(), Map.of()));
    }

    /** @return the metric's result on this model with {@code params} (the rest defaulted) */
    Metric.Result evaluate(Metric metric, Attribution a, Explainer method, Map<String, String> params, int batch) {
        Map<String, Object> p = ParameterSpec.resolve(metric.descriptor().id(), metric.descriptor().parameters(),
                params);
        return metric.evaluate(new Metric.Input(model, inputs, a, method, null, p), new TestContext(batch));
    }

    @FunctionalInterface
    interface ElementValue {
        float of(int input, int element);
    }

    /** Gradient × input through the model's own input gradient; records the batch sizes it ran on. */
    static final class InputTimesGradient implements Explainer {
        final List<Integer> batches = new CopyOnWriteArrayList<>();

        @Override
        public MethodDescriptor descriptor() {
            return new MethodDescriptor("test-input-x-gradient", "Input × gradient (test)", "gradient", "test",
                    Set.of(Capability.INPUT_GRADIENT), List.of(), "x · ∂f/∂x");
        }

        @Override
        public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
                ExplanationContext context) {
            batches.add(inputs.batchSize());
            try (NDManager m = model.newManager()) {
                NDArray x = m.create(inputs.data(), new Shape(inputs.shape()));
                float[] g = model.pass(PassRequest.inputGradient(x, request.objective())).inputGradient().toFloatArray();
                for (int q = 0; q < g.length; q++) {
                    g[q] *= inputs.data()[q];
                }
                return Attribution.of(descriptor().id(), new Tensor(g, inputs.shape()), request);
            }
        }
    }

    /** A method whose map does not depend on the input: each element's value is a function of its index. */
    static final class Fixed implements Explainer {
        private final IntUnaryOperator value;

        Fixed(IntUnaryOperator value) {
            this.value = value;
        }

        @Override
        public MethodDescriptor descriptor() {
            return new MethodDescriptor("test-fixed", "Fixed map (test)", "test", "test", Set.of(), List.of(),
                    "the same map for every input");
        }

        @Override
        public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
                ExplanationContext context) {
            float[] out = new float[inputs.data().length];
            for (int q = 0; q < out.length; q++) {
                out[q] = value.applyAsInt(q % inputs.itemSize());
            }
            return Attribution.of(descriptor().id(), new Tensor(out, inputs.shape()), request);
        }
    }
}
