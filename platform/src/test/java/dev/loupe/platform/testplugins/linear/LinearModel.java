package dev.loupe.platform.testplugins.linear;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ModelInfo;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.Tensor;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** logits = x.reshape(N, D) · Wᵀ, with autograd through DJL's PyTorch engine. */
final class LinearModel implements ExplainableModel {
    private final String name;
    private final Tensor weights;

    LinearModel(String name, Tensor weights) {
        this.name = name;
        this.weights = weights;
    }

    @Override
    public ModelInfo info() {
        long k = weights.shape()[0];
        long d = weights.shape()[1];
        return new ModelInfo(name, List.of(new ModelInfo.TensorInfo("input", new long[] {-1, d}, "float32")),
                List.of(new ModelInfo.TensorInfo("logits", new long[] {-1, k}, "float32")), List.of(), List.of());
    }

    @Override
    public String backendId() {
        return "linear";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.FORWARD, Capability.INPUT_GRADIENT);
    }

    @Override
    public String engineName() {
        return "PyTorch";
    }

    @Override
    public Tensor predict(Tensor input) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engineName())) {
            NDArray x = m.create(input.data(), new Shape(input.shape()));
            NDArray out = logits(x);
            return new Tensor(out.toFloatArray(), out.getShape().getShape());
        }
    }

    private NDArray logits(NDArray x) {
        NDArray w = x.getManager().create(weights.data(), new Shape(weights.shape()));
        return x.reshape(x.getShape().get(0), -1).matMul(w.transpose());
    }

    @Override
    public PassResult pass(PassRequest request) {
        NDArray x = request.input();
        if (request.objective() == null) {
            return new PassResult(logits(x), null, null, Map.of(), Map.of());
        }
        int[] targets = request.objective().targets();
        try (GradientCollector gc = Engine.getEngine(engineName()).newGradientCollector()) {
            x.setRequiresGradient(true);
            NDArray out = logits(x);
            NDArray oneHot = x.getManager().create(targets).oneHot((int) weights.shape()[0]);
            NDArray objective = out.mul(oneHot).sum(new int[] {1});
            gc.backward(objective);
            NDArray grad = x.getGradient().duplicate();
            return new PassResult(out.stopGradient(), objective.stopGradient(), grad, Map.of(), Map.of());
        }
    }

    @Override
    public void close() {
    }
}
