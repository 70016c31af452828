package dev.loupe.platform.host;

import ai.djl.ndarray.NDManager;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ModelInfo;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A model whose class labels come from its sidecar file because the model file has none. */
final class LabelledModel implements ExplainableModel {
    private final ExplainableModel model;
    private final List<String> labels;

    LabelledModel(ExplainableModel model, List<String> labels) {
        this.model = model;
        this.labels = List.copyOf(labels);
    }

    /** The model's own info (which may fill in after the first pass) with the sidecar's labels. */
    @Override
    public ModelInfo info() {
        ModelInfo i = model.info();
        return new ModelInfo(i.name(), i.inputs(), i.outputs(), i.layers(), labels, i.scores());
    }

    @Override
    public String backendId() {
        return model.backendId();
    }

    @Override
    public Set<Capability> capabilities() {
        return model.capabilities();
    }

    @Override
    public Tensor predict(Tensor input) {
        return model.predict(input);
    }

    @Override
    public String engineName() {
        return model.engineName();
    }

    @Override
    public NDManager newManager() {
        return model.newManager();
    }

    @Override
    public String resolveLayer(String name) {
        return model.resolveLayer(name);
    }

    @Override
    public PassResult pass(PassRequest request) {
        return model.pass(request);
    }

    @Override
    public Map<String, Tensor> parameters() {
        return model.parameters();
    }

    @Override
    public ExplainableModel withRandomizedLayers(List<String> layers, long seed) {
        return new LabelledModel(model.withRandomizedLayers(layers, seed), labels);
    }

    @Override
    public void close() {
        model.close();
    }
}
