package dev.loupe.api;

import java.util.List;

/**
 * What a model looks like from outside: inputs, outputs, addressable layers and class labels.
 *
 * @param name a display name (usually the file name)
 * @param inputs the input tensors; methods explain the first one
 * @param outputs the output tensors
 * @param layers the named intermediate tensors a pass can capture, in execution order
 * @param labels class names by index, or empty when the model has none
 * @param scores the tensor that predictions return and objectives read, and why that one
 */
public record ModelInfo(String name, List<TensorInfo> inputs, List<TensorInfo> outputs,
        List<LayerInfo> layers, List<String> labels, Scores scores) {

    /** Copies the lists. */
    public ModelInfo {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        layers = List.copyOf(layers);
        labels = List.copyOf(labels);
        if (scores == null) {
            scores = new Scores(outputs.isEmpty() ? "" : outputs.get(0).name(), "the model's first output");
        }
    }

    /** A model whose explained scores are its first output. */
    public ModelInfo(String name, List<TensorInfo> inputs, List<TensorInfo> outputs, List<LayerInfo> layers,
            List<String> labels) {
        this(name, inputs, outputs, layers, labels, null);
    }

    /**
     * The explained scores.
     *
     * @param tensor the tensor name
     * @param note one line for summaries, e.g. "pre-softmax scores (input of Softmax node 'prob')"
     */
    public record Scores(String tensor, String note) {
    }

    /**
     * A named tensor of the model's interface.
     *
     * @param name the tensor name
     * @param shape its dimensions; -1 marks a dynamic one (usually the batch)
     * @param dataType the element type, e.g. {@code float32}
     */
    public record TensorInfo(String name, long[] shape, String dataType) {
    }

    /**
     * An intermediate tensor that can be captured.
     *
     * @param name the tensor name (ONNX: the node output name)
     * @param nodeName the node that produces it
     * @param opType the producing operation, e.g. {@code Conv} or {@code Relu}
     * @param shape its dimensions for the model's nominal input; -1 where dynamic
     * @param inputs the tensors the producing node reads, parameters excluded (the graph's edges:
     *     what feeds a classifier, which layer a rule's input comes from); empty where unknown
     */
    public record LayerInfo(String name, String nodeName, String opType, long[] shape, List<String> inputs) {

        /** Copies the list. */
        public LayerInfo {
            inputs = List.copyOf(inputs);
        }

        /** A layer whose inputs are not known. */
        public LayerInfo(String name, String nodeName, String opType, long[] shape) {
            this(name, nodeName, opType, shape, List.of());
        }
    }
}
