package dev.loupe.platform.host;

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
    private final ModelInfo info;

    LabelledModel(ExplainableModel model, List<String> labels) {
        this.model = model;
        ModelInfo i = model.info();
        this.info = new ModelInfo(i.name(), i.inputs(), i.outputs(), i.layers(), labels, i.scores());
    }

    @Override
    public ModelInfo info() {
        return info;
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
    public PassResult pass(PassRequest request) {
        return model.pass(request);
    }

    @Override
    public Map<String, Tensor> parameters() {
        return model.parameters();
    }

    @Override
    public ExplainableModel withRandomizedLayers(List<String> layers, long seed) {
        return new LabelledModel(model.withRandomizedLayers(layers, seed), info.labels());
    }

    @Override
    public void close() {
        model.close();
    }
}
