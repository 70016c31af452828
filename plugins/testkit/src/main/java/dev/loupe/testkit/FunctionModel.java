package dev.loupe.testkit;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.GradientLock;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelInfo;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.Tensor;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A model written as a differentiable DJL function, for tests with known answers (the sensitivity
 * example f(x) = 1 − ReLU(1 − x), linear models): forward passes and input gradients, on the
 * PyTorch engine.
 */
public final class FunctionModel implements ExplainableModel {
    private static final String ENGINE = "PyTorch";
    private final String name;
    private final long[] itemShape;
    private final int classes;
    private final UnaryOperator<NDArray> function;

    /**
     * @param name the model name
     * @param itemShape the shape of one input, without the batch axis
     * @param classes the number of scores per input
     * @param function maps a batch [N, itemShape...] to scores [N, classes]
     */
    public FunctionModel(String name, long[] itemShape, int classes, UnaryOperator<NDArray> function) {
        this.name = name;
        this.itemShape = itemShape.clone();
        this.classes = classes;
        this.function = function;
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo(name, List.of(new ModelInfo.TensorInfo("input", batched(itemShape), "float32")),
                List.of(new ModelInfo.TensorInfo("scores", new long[] {-1, classes}, "float32")), List.of(), List.of());
    }

    @Override
    public String backendId() {
        return "function";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.FORWARD, Capability.INPUT_GRADIENT);
    }

    @Override
    public Tensor predict(Tensor input) {
        try (NDManager m = NDManager.newBaseManager(ENGINE)) {
            NDArray out = function.apply(m.create(input.data(), new Shape(input.shape())));
            return new Tensor(out.toFloatArray(), out.getShape().getShape());
        }
    }

    @Override
    public String engineName() {
        return ENGINE;
    }

    @Override
    public PassResult pass(PassRequest request) {
        if (!request.captureLayers().isEmpty() || !request.replacements().isEmpty() || request.rules() != null) {
            throw new LoupeException("a function model has no layers and no backward rules");
        }
        if (!request.inputGradient()) {
            NDArray out = function.apply(request.input());
            NDArray objective = request.objective() == null ? null : request.objective().score(out);
            return new PassResult(out, objective, null, Map.of(), Map.of());
        }
        GradientLock.LOCK.lock();
        try (GradientCollector collector = Engine.getEngine(ENGINE).newGradientCollector()) {
            // a fresh leaf: DJL accumulates gradients
            NDArray x = request.input().duplicate();
            x.setRequiresGradient(true);
            NDArray out = function.apply(x);
            NDArray objective = request.objective().score(out);
            collector.backward(objective);
            return new PassResult(out.stopGradient(), objective.stopGradient(), x.getGradient().duplicate(), Map.of(),
                    Map.of());
        } finally {
            GradientLock.LOCK.unlock();
        }
    }

    @Override
    public void close() {
    }

    private static long[] batched(long[] item) {
        long[] s = new long[item.length + 1];
        s[0] = -1;
        System.arraycopy(item, 0, s, 1, item.length);
        return s;
    }
}
