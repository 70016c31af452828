package dev.loupe.backend.onnx;

import static dev.loupe.backend.onnx.Fixtures.assertClose;
import static dev.loupe.backend.onnx.Fixtures.load;
import static dev.loupe.backend.onnx.Fixtures.npy;
import static dev.loupe.backend.onnx.Fixtures.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.BackwardRule;
import dev.loupe.api.BackwardRules;
import dev.loupe.api.Canonizer;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Objective;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rule-driven backward pass: hand-computed rules, consistency with autograd, canonizers. */
class BackwardRulesTest {
    /** Guided backprop's ReLU: pass the signal where it is positive and the forward input was positive. */
    private static final BackwardRule GUIDED = op -> {
        NDArray g = op.gradOutput();
        NDArray z = op.inputs().get(0);
        return new NDList(g.maximum(0).mul(z.gt(0).toType(DataType.FLOAT32, false)));
    };

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /**
     * y = W2ᵀ relu(W1 x) with the weights of make_test_models.py; at x = (1, 1, 1) the pre-activations
     * are z = (−0.5, 0.5, 1.25), and for class 0 the signal reaching the ReLU is w2[:, 0] = (1, −2, 0.5).
     */
    @Test
    void guidedReluRuleGivesTheHandComputedSignals() {
        try (ExplainableModel m = load(resource("relu_mlp.onnx"))) {
            NDArray x = manager.create(new float[] {1, 1, 1}, new Shape(1, 3));
            PassRequest request = new PassRequest(x, Objective.logit(0), List.of("z", "h"), true, Map.of(),
                    BackwardRules.byOpType(Map.of("Relu", GUIDED)));
            PassResult guided = m.pass(request);
            // only unit 2 is active with a positive signal: 0.5 · W1[2, :] = 0.5 · (−1, 0.25, 2)
            assertClose(new float[] {-0.5f, 0.125f, 1.0f}, guided.inputGradient().toFloatArray(), 1e-6, "x");
            assertClose(new float[] {0, 0, 0.5f}, guided.layerGradients().get("z").toFloatArray(), 1e-6, "z");
            assertClose(new float[] {1, -2, 0.5f}, guided.layerGradients().get("h").toFloatArray(), 1e-6, "h");

            // plain gradient: −2 · W1[1, :] + 0.5 · W1[2, :]
            PassResult plain = m.pass(PassRequest.inputGradient(x, Objective.logit(0)));
            assertClose(new float[] {-1.5f, -1.875f, 3.0f}, plain.inputGradient().toFloatArray(), 1e-6, "plain");
        }
    }

    @Test
    void aRuleMayModifyTheSignalAndReuseTheOpsOwnBackward() {
        BackwardRule positiveSignal = op -> op.vjp(op.inputs(), op.parameters(), op.gradOutput().maximum(0));
        BackwardRule zero = op -> new NDList(op.inputs().get(0).zerosLike());
        try (ExplainableModel m = load(resource("relu_mlp.onnx"))) {
            NDArray x = manager.create(new float[] {1, 1, 1}, new Shape(1, 3));
            // the node-name rule overrides the op-type rule
            BackwardRules rules = BackwardRules.byOpType(Map.of("Relu", zero)).withNodeRules(Map.of("relu", positiveSignal));
            PassResult r = m.pass(PassRequest.inputGradient(x, Objective.logit(0)).withRules(rules));
            assertClose(new float[] {-0.5f, 0.125f, 1.0f}, r.inputGradient().toFloatArray(), 1e-6, "x");
            PassResult zeroed = m.pass(PassRequest.inputGradient(x, Objective.logit(0))
                    .withRules(BackwardRules.byOpType(Map.of("Relu", zero))));
            assertClose(new float[] {0, 0, 0}, zeroed.inputGradient().toFloatArray(), 1e-6, "zero rule");
        }
    }

    /**
     * A rule on the ReLU that also does the backward of the convolution feeding it, through its
     * producer, gives the plain gradient; the first convolution, fed by the model input, has none.
     */
    @Test
    void aRuleMayTakeOverItsProducersBackward() {
        AtomicInteger noProducer = new AtomicInteger();
        BackwardRule block = op -> {
            NDArray g = op.plainBackward().get(0);
            BackwardRule.OpContext producer = op.producer(0);
            if (producer.producer(0) == null) {
                noProducer.incrementAndGet();
            }
            producer.addInputSignals(producer.vjp(producer.inputs(), producer.parameters(), g));
            NDList none = new NDList(1);
            none.add(null);
            return none;
        };
        Tensor input = npy(resource("tiny_cnn_input.npy"));
        try (ExplainableModel m = load(resource("tiny_cnn.onnx"))) {
            NDArray x = manager.create(input.data(), new Shape(input.shape()));
            PassRequest request = PassRequest.inputGradient(x, Objective.logit(1, 2));
            PassResult plain = m.pass(request);
            PassResult taken = m.pass(request.withRules(BackwardRules.byOpType(Map.of("Relu", block))));
            assertClose(plain.inputGradient().toFloatArray(), taken.inputGradient().toFloatArray(), 1e-5, "input");
            assertEquals(1, noProducer.get(), "only conv1 reads the model input");
        }
    }

    @Test
    void withoutRulesTheWalkedBackwardEqualsAutograd() {
        Tensor input = npy(resource("tiny_cnn_input.npy"));
        try (ExplainableModel m = load(resource("tiny_cnn.onnx"))) {
            String layer = ((OnnxModel) m).resolveLayer("auto");
            NDArray x = manager.create(input.data(), new Shape(input.shape()));
            PassRequest request = new PassRequest(x, Objective.logit(0, 2), List.of(layer, "/conv1/Conv_output_0"),
                    true, Map.of(), null);
            PassResult fused = m.pass(request);
            PassResult walked = m.pass(request.withRules(new BackwardRules(Map.of(), Map.of(), Set.of())));
            assertClose(fused.inputGradient().toFloatArray(), walked.inputGradient().toFloatArray(), 1e-5, "input");
            for (String name : request.captureLayers()) {
                assertClose(fused.layerGradients().get(name).toFloatArray(),
                        walked.layerGradients().get(name).toFloatArray(), 1e-5, name);
                assertClose(fused.activations().get(name).toFloatArray(),
                        walked.activations().get(name).toFloatArray(), 1e-6, name + " value");
            }
            assertClose(fused.objective().toFloatArray(), walked.objective().toFloatArray(), 1e-6, "objective");
        }
    }

    @Test
    void canonizersFoldBatchNormAndMarkResidualSumsWithoutChangingTheFunction() {
        Tensor input = npy(resource("tiny_residual_input.npy"));
        AtomicInteger batchNorms = new AtomicInteger();
        AtomicInteger sums = new AtomicInteger();
        BackwardRules counting = BackwardRules.byOpType(Map.of(
                "BatchNormalization", op -> {
                    batchNorms.incrementAndGet();
                    return op.plainBackward();
                },
                "Sum", op -> {
                    sums.incrementAndGet();
                    return op.plainBackward();
                }));
        try (ExplainableModel m = load(resource("tiny_residual.onnx"))) {
            NDArray x = manager.create(input.data(), new Shape(input.shape()));
            PassRequest request = PassRequest.inputGradient(x, Objective.logit(1, 1));
            PassResult autograd = m.pass(request);

            PassResult plainGraph = m.pass(request.withRules(counting));
            assertEquals(2, batchNorms.get());
            assertEquals(0, sums.get());

            batchNorms.set(0);
            PassResult canonized = m.pass(request.withRules(
                    counting.withCanonizers(Canonizer.MERGE_BATCHNORM, Canonizer.EXPLICIT_RESIDUAL)));
            assertEquals(0, batchNorms.get(), "BatchNorm folded into the convolutions");
            assertEquals(1, sums.get(), "the residual addition is a Sum");
            assertClose(autograd.output().toFloatArray(), canonized.output().toFloatArray(), 1e-5, "scores");
            assertClose(autograd.inputGradient().toFloatArray(), canonized.inputGradient().toFloatArray(), 1e-4, "grad");
            assertClose(autograd.inputGradient().toFloatArray(), plainGraph.inputGradient().toFloatArray(), 1e-5, "grad");
        }
    }
}
