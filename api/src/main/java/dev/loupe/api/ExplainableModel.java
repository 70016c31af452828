package dev.loupe.api;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A loaded model that methods can query: forward passes and, depending on its
 * {@link #capabilities()}, gradients, layer activations, modified backward passes and parameters.
 * Close it when done to free its native memory.
 */
public interface ExplainableModel extends AutoCloseable {

    /** @return inputs, outputs, layers and labels */
    ModelInfo info();

    /** @return the id of the backend that loaded it */
    String backendId();

    /** @return what this model can do */
    Set<Capability> capabilities();

    /** @return whether {@code capability} is offered */
    default boolean supports(Capability capability) {
        return capabilities().contains(capability);
    }

    /**
     * Runs the model on plain data and returns the explained output (scores per class).
     *
     * @param input the batch, [N, ...]
     * @return the explained output, [N, classes]
     */
    Tensor predict(Tensor input);

    /**
     * @return the engine name whose arrays this model accepts in {@link #pass} (e.g. {@code PyTorch});
     *     methods create their {@link NDManager} on this engine
     */
    String engineName();

    /**
     * @return a new manager for the arrays {@link #pass} accepts: this model's engine and device.
     *     The caller closes it.
     */
    default NDManager newManager() {
        return NDManager.newBaseManager(Device.cpu(), engineName());
    }

    /**
     * How much memory one input takes in a pass at the model's nominal input size: the values of
     * its layers, and with a backward pass their gradients too. The compute service sizes batches
     * from it ({@link ComputeService.Workload#bytesPerEvaluation()}).
     *
     * @param gradient whether the pass runs backward
     * @return bytes per input, or 0 when the backend cannot say
     */
    default long bytesPerEvaluation(boolean gradient) {
        return 0;
    }

    /**
     * Whether {@link #onDevice} can place this model on a device. The compute service plans only
     * over devices a model runs on.
     *
     * @param device a device the compute service found
     * @return true for the CPU; backends that can copy their weights to a GPU say so for GPUs
     */
    default boolean runsOn(DeviceInfo device) {
        return device.kind() == DeviceInfo.Kind.CPU;
    }

    /**
     * This model on a device, for a batch the compute service placed there: the same model with
     * its weights on that device (copied once, kept until this model is closed), whose
     * {@link #newManager()} makes arrays there. Methods call it inside a batch task with the
     * batch's device.
     *
     * @param device a device {@link #runsOn} accepts
     * @return this model for the CPU, a copy on the device otherwise
     * @throws LoupeException if the model cannot run there
     */
    default ExplainableModel onDevice(DeviceInfo device) {
        if (device.kind() == DeviceInfo.Kind.CPU) {
            return this;
        }
        throw new LoupeException("the " + backendId() + " backend cannot place a model on " + device.id()
                + "; set loupe.compute.devices=cpu in conf/loupe.properties");
    }

    /**
     * Resolves a layer name as {@link #pass} would: a tensor name, a node name, or {@code auto} (the
     * last spatial feature map before global pooling). Needs {@link Capability#LAYER_ACTIVATION}.
     *
     * @param name the name a user gave
     * @return the tensor name a pass captures it under
     * @throws LoupeException if the layer is unknown (the message lists the known ones)
     */
    default String resolveLayer(String name) {
        throw new LoupeException("the " + backendId() + " backend does not offer LAYER_ACTIVATION: it cannot address "
                + "layer '" + name + "'");
    }

    /**
     * Runs one pass. Needs {@link Capability#FORWARD}; gradients need INPUT_GRADIENT or
     * LAYER_GRADIENT, captured layers LAYER_ACTIVATION, rules BACKWARD_RULES.
     *
     * @param request what to compute
     * @return the results, attached to the manager of {@code request.input()}
     * @throws LoupeException if the request needs a capability the model lacks or names an
     *     unknown layer (the message lists the known ones)
     */
    PassResult pass(PassRequest request);

    /**
     * Convenience: the explained output for a batch already on this model's engine.
     *
     * @param input the batch
     * @return the explained output, attached to the input's manager
     */
    default NDArray forward(NDArray input) {
        return pass(new PassRequest(input, null, List.of(), false, Map.of(), null)).output();
    }

    /**
     * Reads the model's parameters (weights, biases, normalisation statistics). Needs
     * {@link Capability#PARAMETERS}.
     *
     * @return parameter values by name, in graph order
     */
    default Map<String, Tensor> parameters() {
        throw new LoupeException("the " + backendId() + " backend does not offer PARAMETERS: it cannot read weights");
    }

    /**
     * Makes an independent copy of the model whose named layers have their weights and biases
     * re-drawn at random (PyTorch's default initialisation: uniform in ±1/√fan-in), as the
     * model-randomisation sanity check needs. The original is left untouched; close the copy when
     * done. Needs {@link Capability#PARAMETERS}.
     *
     * @param layers layer (node or output tensor) names whose parameters to re-draw
     * @param seed the random seed
     * @return the copy
     */
    default ExplainableModel withRandomizedLayers(List<String> layers, long seed) {
        throw new LoupeException("the " + backendId() + " backend does not offer PARAMETERS: it cannot re-draw weights");
    }

    /** Frees the model's native resources. */
    @Override
    void close();
}
