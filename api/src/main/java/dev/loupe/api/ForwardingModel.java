package dev.loupe.api;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model that passes every call to another one. Wrappers (labels from a sidecar, timing, device
 * placement) extend it and override only what they change, so a default method added to
 * {@link ExplainableModel} later still reaches the wrapped model instead of silently falling back
 * to its default.
 */
public abstract class ForwardingModel implements ExplainableModel {
    /** The wrapped model. */
    protected final ExplainableModel delegate;

    /** @param delegate the wrapped model; closing this closes it */
    protected ForwardingModel(ExplainableModel delegate) {
        this.delegate = delegate;
    }

    @Override
    public ModelInfo info() {
        return delegate.info();
    }

    @Override
    public String backendId() {
        return delegate.backendId();
    }

    @Override
    public Set<Capability> capabilities() {
        return delegate.capabilities();
    }

    @Override
    public Tensor predict(Tensor input) {
        return delegate.predict(input);
    }

    @Override
    public String engineName() {
        return delegate.engineName();
    }

    @Override
    public NDManager newManager() {
        return delegate.newManager();
    }

    @Override
    public String resolveLayer(String name) {
        return delegate.resolveLayer(name);
    }

    @Override
    public long bytesPerEvaluation(boolean gradient) {
        return delegate.bytesPerEvaluation(gradient);
    }

    @Override
    public boolean runsOn(DeviceInfo device) {
        return delegate.runsOn(device);
    }

    /** The wrapped model's copy on the device; this wrapper itself where the wrapped model stays put. */
    @Override
    public ExplainableModel onDevice(DeviceInfo device) {
        ExplainableModel moved = delegate.onDevice(device);
        return moved == delegate ? this : moved;
    }

    @Override
    public PassResult pass(PassRequest request) {
        return delegate.pass(request);
    }

    @Override
    public Map<String, Tensor> parameters() {
        return delegate.parameters();
    }

    @Override
    public ExplainableModel withRandomizedLayers(List<String> layers, long seed) {
        return delegate.withRandomizedLayers(layers, seed);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
