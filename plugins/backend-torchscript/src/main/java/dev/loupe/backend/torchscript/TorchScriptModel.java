package dev.loupe.backend.torchscript;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.training.GradientCollector;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.GradientLock;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelInfo;
import dev.loupe.api.Objective;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A TorchScript module on DJL's PyTorch engine.
 *
 * <p>DJL loads the module in eval mode. It is always run through {@link IValueUtils#forward}, whose
 * flag only switches autograd on (gradient passes) or off (forward passes);
 * {@code PtSymbolBlock.forward(..., training=true)} would also switch the module to train mode, so
 * batch normalisation would use batch statistics and dropout would drop.
 */
final class TorchScriptModel implements ExplainableModel {
    /** What every TorchScript model offers. */
    static final Set<Capability> CAPABILITIES =
            Collections.unmodifiableSet(EnumSet.of(Capability.FORWARD, Capability.INPUT_GRADIENT));
    private static final String OFFERS = "the torchscript backend offers FORWARD and INPUT_GRADIENT";

    private final String name;
    private final Model model;
    private final PtSymbolBlock module;
    /** The declared input shape (batch dimension -1), or null when unknown. */
    private final long[] declaredInput;
    /** The {@code output} option, or null for the first output. */
    private final String outputOption;
    /** The position of the explained output. */
    private final int explainedOutput;
    private volatile ModelInfo info;
    /** Whether {@link #info} holds shapes seen in a real forward pass. */
    private volatile boolean described;

    TorchScriptModel(String name, Model model, PtSymbolBlock module, long[] declaredInput, String outputOption) {
        this.name = name;
        this.model = model;
        this.module = module;
        this.declaredInput = declaredInput;
        this.outputOption = outputOption;
        this.explainedOutput = outputOption == null ? 0 : outputIndex(outputOption);
        this.info = describe(declaredInput == null ? new long[] {-1} : declaredInput, null, null);
        if (declaredInput != null && Arrays.stream(declaredInput).skip(1).allMatch(d -> d >= 0)) {
            probe(declaredInput);
        }
    }

    /**
     * Parses {@code input-shape}: comma-separated dimensions, the first being the batch (reported
     * as dynamic, -1).
     *
     * @return the shape, or null when the option is absent
     */
    static long[] parseInputShape(String option, String modelName) {
        if (option == null || option.isBlank()) {
            return null;
        }
        try {
            long[] shape = Arrays.stream(option.split("[,x ]+")).map(String::trim).filter(s -> !s.isEmpty())
                    .mapToLong(Long::parseLong).toArray();
            if (shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d == 0 || d < -1)) {
                throw new NumberFormatException();
            }
            shape[0] = -1;
            return shape;
        } catch (NumberFormatException e) {
            throw new LoupeException("input-shape '" + option + "' for " + modelName
                    + " is not a shape; give the dimensions separated by commas, batch first, e.g. 1,3,224,224");
        }
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public String backendId() {
        return TorchScriptBackend.ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public String engineName() {
        return TorchScriptBackend.ENGINE;
    }

    @Override
    public Tensor predict(Tensor input) {
        checkInput(input.shape());
        try (NDManager scratch = model.getNDManager().newSubManager()) {
            NDArray x = scratch.create(input.data(), new Shape(input.shape()));
            NDList outputs = run(x, false);
            learn(x, outputs);
            NDArray scores = pick(outputs, null);
            if (scores.getDataType() != DataType.FLOAT32) {
                scores = scores.toType(DataType.FLOAT32, false);
            }
            return new Tensor(scores.toFloatArray(), scores.getShape().getShape());
        }
    }

    @Override
    public PassResult pass(PassRequest request) {
        refuseUnsupported(request);
        NDArray input = request.input();
        String engine = input.getManager().getEngine().getEngineName();
        if (!TorchScriptBackend.ENGINE.equals(engine)) {
            throw new LoupeException("the torchscript backend takes arrays of the " + TorchScriptBackend.ENGINE
                    + " engine, got " + engine + "; create the NDManager with the model's engineName()");
        }
        checkInput(input.getShape().getShape());
        return request.inputGradient() ? gradientPass(input, request.objective()) : forwardPass(input, request.objective());
    }

    /** Outputs (and the objective's value, if any) without autograd. */
    private PassResult forwardPass(NDArray input, Objective objective) {
        NDManager owner = input.getManager();
        try (NDManager scratch = owner.newSubManager()) {
            // the module reads NDArray names as structure hints (tuple, list, dict inputs): feed an unnamed array
            NDArray x = input.getName() == null ? input : detachedCopy(input, scratch);
            NDList outputs = run(x, false);
            outputs.attach(scratch);
            learn(x, outputs);
            NDArray scores = pick(outputs, null);
            NDArray value = objective == null ? null : objective.score(pick(outputs, objective.output()));
            scores.attach(owner);
            if (value != null) {
                value.attach(owner);
            }
            return new PassResult(scores, value, null, Map.of(), Map.of());
        }
    }

    /** Outputs, objective and d objective / d input; serialised, since DJL allows one collector at a time. */
    private PassResult gradientPass(NDArray input, Objective objective) {
        NDManager owner = input.getManager();
        GradientLock.LOCK.lock();
        try (NDManager scratch = owner.newSubManager()) {
            // a fresh leaf: DJL's collector does not zero gradients between passes, and the caller's
            // array stays as it was
            NDArray x = detachedCopy(input, scratch);
            NDArray scores;
            NDArray value;
            NDArray gradient;
            try (GradientCollector collector = newCollector()) {
                x.setRequiresGradient(true);
                NDList outputs = run(x, true);
                learn(x, outputs);
                NDArray explained = pick(outputs, null);
                NDArray objectiveValue = objective.score(pick(outputs, objective.output()));
                collector.backward(objectiveValue);
                gradient = x.getGradient();
                scores = explained.stopGradient();
                value = objectiveValue.stopGradient();
            }
            scores.attach(owner);
            value.attach(owner);
            gradient.attach(owner);
            return new PassResult(scores, value, gradient, Map.of(), Map.of());
        } finally {
            GradientLock.LOCK.unlock();
        }
    }

    private static GradientCollector newCollector() {
        try {
            return Engine.getEngine(TorchScriptBackend.ENGINE).newGradientCollector();
        } catch (IllegalStateException e) {
            throw new LoupeException("another gradient pass is running in this JVM (DJL's PyTorch engine allows one"
                    + " at a time); run gradient passes one after the other", e);
        }
    }

    private static NDArray detachedCopy(NDArray input, NDManager scratch) {
        NDArray x = input.duplicate();
        x.attach(scratch);
        return x;
    }

    /** Runs the module on {@code x}; the outputs land on x's manager. */
    private NDList run(NDArray x, boolean autograd) {
        try {
            return IValueUtils.forward(module, new NDList(x), autograd);
        } catch (EngineException e) {
            throw new LoupeException(name + " failed on an input of shape " + x.getShape() + ": "
                    + TorchScriptBackend.firstLine(e.getMessage()), e);
        }
    }

    private static void refuseUnsupported(PassRequest request) {
        if (!request.captureLayers().isEmpty()) {
            throw new LoupeException(OFFERS + "; use the onnx backend for layer methods (capturing "
                    + request.captureLayers() + " needs LAYER_ACTIVATION"
                    + (request.objective() != null ? " and LAYER_GRADIENT)" : ")"));
        }
        if (!request.replacements().isEmpty()) {
            throw new LoupeException(OFFERS + "; use the onnx backend for layer methods (replacing the values of "
                    + request.replacements().keySet() + " needs LAYER_ACTIVATION)");
        }
        if (request.rules() != null) {
            throw new LoupeException(OFFERS + "; use the onnx backend for methods with modified backward passes"
                    + " (backward rules need BACKWARD_RULES)");
        }
        if (request.inputGradient() && request.objective() == null) {
            throw new LoupeException("an input gradient needs an objective (the score to differentiate)");
        }
    }

    private void checkInput(long[] shape) {
        if (declaredInput == null) {
            return;
        }
        boolean fits = shape.length == declaredInput.length;
        for (int i = 1; fits && i < shape.length; i++) {
            fits = declaredInput[i] < 0 || declaredInput[i] == shape[i];
        }
        if (!fits) {
            throw new LoupeException(name + " takes inputs of shape " + Arrays.toString(declaredInput)
                    + " (its input-shape option), got " + Arrays.toString(shape));
        }
    }

    /** The output an objective or prediction reads: by name, else the {@code output} option, else the first. */
    private NDArray pick(NDList outputs, String requested) {
        String wanted = requested != null ? requested : outputOption;
        int index = requested != null ? outputIndex(requested) : explainedOutput;
        if (index >= outputs.size()) {
            throw new LoupeException(name + " has no output '" + wanted + "'; it returns " + names(outputs.size()));
        }
        return outputs.get(index);
    }

    /** TorchScript outputs have no names: {@code output} is the first, {@code outputK} or {@code K} the K-th. */
    private int outputIndex(String wanted) {
        String w = wanted.trim().toLowerCase(Locale.ROOT);
        if (w.equals("output")) {
            return 0;
        }
        String digits = w.startsWith("output") ? w.substring("output".length()) : w;
        try {
            int index = Integer.parseInt(digits);
            if (index >= 0) {
                return index;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new LoupeException(name + " has no output '" + wanted + "': TorchScript outputs are named by"
                + " position (output, or output0, output1, ... for modules returning several tensors)");
    }

    private static String names(int count) {
        return count == 1 ? "one tensor: output" : count + " tensors: output0 .. output" + (count - 1);
    }

    /** Runs a batch of one at the declared shape, so that info() lists the outputs and a bad shape fails now. */
    private void probe(long[] shape) {
        long[] one = shape.clone();
        one[0] = 1;
        try (NDManager scratch = model.getNDManager().newSubManager()) {
            NDArray x = scratch.zeros(new Shape(one));
            NDList outputs;
            try {
                outputs = IValueUtils.forward(module, new NDList(x), false);
            } catch (EngineException e) {
                throw new LoupeException(name + " does not accept inputs of shape " + Arrays.toString(shape)
                        + " (its input-shape option): " + TorchScriptBackend.firstLine(e.getMessage()), e);
            }
            learn(x, outputs);
        }
    }

    /** The first forward pass shows the shapes a TorchScript file does not declare. */
    private void learn(NDArray x, NDList outputs) {
        if (described) {
            return;
        }
        List<long[]> shapes = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (NDArray o : outputs) {
            shapes.add(batchDynamic(o.getShape().getShape()));
            types.add(typeName(o.getDataType()));
        }
        long[] in = declaredInput != null ? declaredInput : batchDynamic(x.getShape().getShape());
        info = describe(in, shapes, types);
        described = true;
    }

    private ModelInfo describe(long[] input, List<long[]> outputShapes, List<String> outputTypes) {
        List<ModelInfo.TensorInfo> outputs = new ArrayList<>();
        if (outputShapes == null) {
            outputs.add(new ModelInfo.TensorInfo("output", new long[] {-1}, "float32"));
        } else {
            List<String> outputNames = outputShapes.size() == 1 ? List.of("output")
                    : IntStream.range(0, outputShapes.size()).mapToObj(i -> "output" + i).toList();
            for (int i = 0; i < outputShapes.size(); i++) {
                outputs.add(new ModelInfo.TensorInfo(outputNames.get(i), outputShapes.get(i), outputTypes.get(i)));
            }
        }
        String explained = explainedOutput < outputs.size() ? outputs.get(explainedOutput).name()
                : "output" + explainedOutput;
        ModelInfo.Scores scores = new ModelInfo.Scores(explained,
                outputOption == null ? "the module's first output" : "the output chosen by the output option");
        return new ModelInfo(name, List.of(new ModelInfo.TensorInfo("input", input, "float32")), outputs, List.of(),
                List.of(), scores);
    }

    private static long[] batchDynamic(long[] shape) {
        long[] s = shape.clone();
        if (s.length > 0) {
            s[0] = -1;
        }
        return s;
    }

    private static String typeName(DataType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "TorchScriptModel[" + name + "]";
    }
}
