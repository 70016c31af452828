package dev.loupe.platform.host;

import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ForwardingModel;
import dev.loupe.api.ModelInfo;
import java.util.List;

/** A model whose class labels come from its sidecar file because the model file has none. */
final class LabelledModel extends ForwardingModel {
    private final List<String> labels;

    LabelledModel(ExplainableModel model, List<String> labels) {
        super(model);
        this.labels = List.copyOf(labels);
    }

    /** The model's own info (which may fill in after the first pass) with the sidecar's labels. */
    @Override
    public ModelInfo info() {
        ModelInfo i = delegate.info();
        return new ModelInfo(i.name(), i.inputs(), i.outputs(), i.layers(), labels, i.scores());
    }

    @Override
    public ExplainableModel withRandomizedLayers(List<String> layers, long seed) {
        return new LabelledModel(delegate.withRandomizedLayers(layers, seed), labels);
    }
}
