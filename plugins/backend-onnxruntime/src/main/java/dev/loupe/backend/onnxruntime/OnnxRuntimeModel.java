package dev.loupe.backend.onnxruntime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelInfo;
import dev.loupe.api.Objective;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.Tensor;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model in an ONNX Runtime session, created once at load and shared by every call
 * ({@link OrtSession#run} is thread-safe). Data goes NDArray → float32 buffer → ONNX Runtime →
 * NDArray on the caller's manager; nothing else is kept between calls.
 */
final class OnnxRuntimeModel implements ExplainableModel {
    /** What every ONNX Runtime model offers. */
    static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(Capability.FORWARD));
    private static final String OFFERS = "the onnxruntime backend offers FORWARD only";

    private final String name;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final OrtSession.SessionOptions options;
    private final String inputName;
    private final long[] inputShape;
    /** The explained output. */
    private final String scoresName;
    private final Set<String> tensorOutputs;
    private final ModelInfo info;

    OnnxRuntimeModel(String name, OrtEnvironment env, OrtSession session, OrtSession.SessionOptions options,
            String outputOption) throws OrtException {
        this.name = name;
        this.env = env;
        this.session = session;
        this.options = options;
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1) {
            throw new LoupeException(name + " has " + inputs.size() + " inputs " + inputs.keySet()
                    + "; Loupe explains models with one input tensor");
        }
        NodeInfo input = inputs.values().iterator().next();
        if (!(input.getInfo() instanceof TensorInfo in) || in.type != OnnxJavaType.FLOAT) {
            throw new LoupeException(name + ": input '" + input.getName() + "' is " + typeName(input.getInfo())
                    + "; the onnxruntime backend feeds float32 inputs");
        }
        this.inputName = input.getName();
        this.inputShape = in.getShape();
        List<ModelInfo.TensorInfo> outputs = new ArrayList<>();
        Set<String> tensors = new LinkedHashSet<>();
        for (NodeInfo o : session.getOutputInfo().values()) {
            boolean tensor = o.getInfo() instanceof TensorInfo;
            outputs.add(new ModelInfo.TensorInfo(o.getName(),
                    tensor ? ((TensorInfo) o.getInfo()).getShape() : new long[0], typeName(o.getInfo())));
            if (tensor) {
                tensors.add(o.getName());
            }
        }
        this.tensorOutputs = Collections.unmodifiableSet(tensors);
        if (tensors.isEmpty()) {
            throw new LoupeException(name + " has no tensor output to explain (outputs: "
                    + outputs.stream().map(ModelInfo.TensorInfo::name).toList() + ")");
        }
        ModelInfo.Scores scores;
        if (outputOption != null) {
            this.scoresName = resolveOutput(outputOption);
            scores = new ModelInfo.Scores(scoresName, "output '" + scoresName + "' (chosen by the output option)");
        } else {
            this.scoresName = tensors.iterator().next();
            scores = new ModelInfo.Scores(scoresName, scoresName.equals(outputs.get(0).name())
                    ? "the model's first output" : "the model's first tensor output");
        }
        this.info = new ModelInfo(name, List.of(new ModelInfo.TensorInfo(inputName, inputShape, "float32")), outputs,
                List.of(), List.of(), scores);
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public String backendId() {
        return OnnxRuntimeBackend.ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /** Methods build their arrays on DJL's PyTorch engine; this backend reads any engine's arrays. */
    @Override
    public String engineName() {
        return "PyTorch";
    }

    @Override
    public Tensor predict(Tensor input) {
        checkInput(input.shape());
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.data()), input.shape())) {
            return run(x, input.shape(), List.of(scoresName)).get(0);
        } catch (OrtException e) {
            throw failure(input.shape(), e);
        }
    }

    @Override
    public PassResult pass(PassRequest request) {
        refuseUnsupported(request);
        NDArray input = request.input();
        long[] shape = input.getShape().getShape();
        checkInput(shape);
        Objective objective = request.objective();
        String objectiveOutput = objective == null || objective.output() == null ? scoresName
                : resolveOutput(objective.output());
        List<String> wanted = objectiveOutput.equals(scoresName) ? List.of(scoresName)
                : List.of(scoresName, objectiveOutput);
        NDManager owner = input.getManager();
        try (NDManager scratch = owner.newSubManager()) {
            NDArray x = input;
            if (x.getDataType() != DataType.FLOAT32) {
                x = x.toType(DataType.FLOAT32, false);
                x.attach(scratch);
            }
            List<Tensor> outputs;
            // a direct buffer shares the array's native memory: ONNX Runtime reads it without a copy
            ByteBuffer data = x.toByteBuffer(true);
            try (OnnxTensor tensor = OnnxTensor.createTensor(env, data, shape, OnnxJavaType.FLOAT)) {
                outputs = run(tensor, shape, wanted);
            } catch (OrtException e) {
                throw failure(shape, e);
            }
            NDArray scores = scratch.create(outputs.get(0).data(), new Shape(outputs.get(0).shape()));
            NDArray value = null;
            if (objective != null) {
                NDArray read = outputs.size() == 1 ? scores
                        : scratch.create(outputs.get(1).data(), new Shape(outputs.get(1).shape()));
                value = objective.score(read);
                value.attach(owner);
            }
            scores.attach(owner);
            return new PassResult(scores, value, null, Map.of(), Map.of());
        }
    }

    /** Runs the session; returns the named outputs as float32 tensors, in order. */
    private List<Tensor> run(OnnxTensor x, long[] shape, List<String> outputs) {
        try (OrtSession.Result result = session.run(Map.of(inputName, x), new LinkedHashSet<>(outputs))) {
            List<Tensor> out = new ArrayList<>(outputs.size());
            for (String o : outputs) {
                OnnxValue v = result.get(o).orElseThrow(() -> new LoupeException(name + ": ONNX Runtime returned no '"
                        + o + "'"));
                out.add(toTensor(o, v));
            }
            return out;
        } catch (OrtException e) {
            throw failure(shape, e);
        }
    }

    private Tensor toTensor(String output, OnnxValue value) {
        if (!(value instanceof OnnxTensor t)) {
            throw new LoupeException(name + ": output '" + output + "' is not a tensor");
        }
        TensorInfo ti = t.getInfo();
        long[] shape = ti.getShape();
        float[] data;
        switch (ti.type) {
            case FLOAT, FLOAT16, BFLOAT16 -> {
                FloatBuffer b = t.getFloatBuffer();
                data = new float[b.remaining()];
                b.get(data);
            }
            case DOUBLE -> {
                DoubleBuffer b = t.getDoubleBuffer();
                data = new float[b.remaining()];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) b.get(i);
                }
            }
            case INT64 -> {
                LongBuffer b = t.getLongBuffer();
                data = new float[b.remaining()];
                for (int i = 0; i < data.length; i++) {
                    data[i] = b.get(i);
                }
            }
            case INT32 -> {
                IntBuffer b = t.getIntBuffer();
                data = new float[b.remaining()];
                for (int i = 0; i < data.length; i++) {
                    data[i] = b.get(i);
                }
            }
            default -> throw new LoupeException(name + ": output '" + output + "' holds " + typeName(ti)
                    + " values; choose a numeric output with the output option");
        }
        return new Tensor(data, shape);
    }

    private static void refuseUnsupported(PassRequest request) {
        if (request.inputGradient()) {
            throw new LoupeException(OFFERS + ": input gradients need INPUT_GRADIENT; use the onnx or torchscript"
                    + " backend for gradient methods");
        }
        if (!request.captureLayers().isEmpty()) {
            throw new LoupeException(OFFERS + ": capturing " + request.captureLayers() + " needs LAYER_ACTIVATION"
                    + (request.objective() != null ? " and LAYER_GRADIENT" : "") + "; use the onnx backend for layer methods");
        }
        if (!request.replacements().isEmpty()) {
            throw new LoupeException(OFFERS + ": replacing the values of " + request.replacements().keySet()
                    + " needs LAYER_ACTIVATION; use the onnx backend for layer methods");
        }
        if (request.rules() != null) {
            throw new LoupeException(OFFERS + ": backward rules need BACKWARD_RULES; use the onnx backend");
        }
    }

    private String resolveOutput(String wanted) {
        if (tensorOutputs.contains(wanted)) {
            return wanted;
        }
        throw new LoupeException(name + " has no tensor output '" + wanted + "'; its outputs: "
                + String.join(", ", tensorOutputs));
    }

    private void checkInput(long[] shape) {
        boolean fits = shape.length == inputShape.length;
        for (int i = 0; fits && i < shape.length; i++) {
            fits = inputShape[i] < 0 || inputShape[i] == shape[i];
        }
        if (!fits) {
            throw new LoupeException(name + " takes '" + inputName + "' of shape " + Arrays.toString(inputShape)
                    + " (-1: any size), got " + Arrays.toString(shape));
        }
    }

    private LoupeException failure(long[] shape, OrtException e) {
        return new LoupeException(name + ": ONNX Runtime failed on an input of shape " + Arrays.toString(shape) + ": "
                + OnnxRuntimeBackend.oneLine(e.getMessage()), e);
    }

    private static String typeName(ValueInfo info) {
        if (info instanceof TensorInfo t) {
            String type = t.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "").toLowerCase(Locale.ROOT);
            return switch (type) {
                case "float" -> "float32";
                case "double" -> "float64";
                default -> type;
            };
        }
        return info instanceof MapInfo ? "map" : "sequence";
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new LoupeException(name + ": ONNX Runtime could not close its session: " + e.getMessage(), e);
        } finally {
            options.close();
        }
    }

    @Override
    public String toString() {
        return "OnnxRuntimeModel[" + name + "]";
    }
}
