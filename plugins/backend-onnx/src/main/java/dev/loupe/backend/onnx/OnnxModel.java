package dev.loupe.backend.onnx;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.BackwardRules;
import dev.loupe.api.Canonizer;
import dev.loupe.api.DeviceInfo;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelInfo;
import dev.loupe.api.ModelInfo.LayerInfo;
import dev.loupe.api.ModelInfo.TensorInfo;
import dev.loupe.api.ModelSource;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.Tensor;
import dev.loupe.backend.onnx.graph.Canonizers;
import dev.loupe.backend.onnx.graph.FusedPass;
import dev.loupe.backend.onnx.graph.Graph;
import dev.loupe.backend.onnx.graph.PassPlan;
import dev.loupe.backend.onnx.graph.RulePass;
import dev.loupe.backend.onnx.proto.OnnxProto;
import dev.loupe.backend.onnx.proto.OnnxProto.ValueInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** An ONNX model running as a DJL graph: every capability of the SPI. */
final class OnnxModel implements ExplainableModel {
    static final Set<Capability> CAPABILITIES = EnumSet.allOf(Capability.class);
    /** Size used for symbolic non-batch input dimensions when probing layer shapes. */
    private static final long PROBE_SIZE = 224;

    private final ModelSource source;
    private final OnnxProto.Model proto;
    private final Graph graph;
    private final ValueInfo input;
    private final Map<Set<Canonizer>, Graph> canonized = new ConcurrentHashMap<>();
    /** Where the graph's weights live; copies on other devices are made on demand. */
    private final Device device;
    private final Map<String, OnnxModel> copies = new ConcurrentHashMap<>();
    private volatile ModelInfo info;
    private volatile LayerIndex layers;
    private String scoresName;
    private String scoresNote;

    OnnxModel(ModelSource source, OnnxProto.Model proto, Graph graph) {
        this(source, proto, graph, Device.cpu());
    }

    private OnnxModel(ModelSource source, OnnxProto.Model proto, Graph graph, Device device) {
        this.source = source;
        this.proto = proto;
        this.graph = graph;
        this.device = device;
        if (graph.inputs().isEmpty()) {
            throw new LoupeException(source.path().getFileName() + " has no graph input to feed");
        }
        if (graph.inputs().size() > 1) {
            throw new LoupeException(source.path().getFileName() + " has " + graph.inputs().size() + " inputs ("
                    + graph.inputs().stream().map(ValueInfo::name).toList()
                    + "); Loupe explains models with one input");
        }
        this.input = graph.inputs().get(0);
        chooseScores(source.options().get("output"));
    }

    /** The explained scores: the chosen output, or by default the first output — before its Softmax if it ends in one. */
    private void chooseScores(String requested) {
        Map<String, Graph.Step> producers = new LinkedHashMap<>();
        graph.steps().forEach(s -> s.node().outputs().forEach(o -> producers.put(o, s)));
        if (requested != null && !requested.isBlank()) {
            Graph.Step byNode = graph.steps().stream().filter(s -> s.name().equals(requested)).findFirst().orElse(null);
            if (producers.containsKey(requested)) {
                scoresName = requested;
            } else if (byNode != null) {
                scoresName = byNode.node().outputs().get(0);
            } else {
                throw new LoupeException("--output '" + requested + "' is not a tensor or node of this model; outputs: "
                        + graph.outputs().stream().map(ValueInfo::name).toList() + " (any layer from `loupe layers` works)");
            }
            scoresNote = "the tensor '" + scoresName + "' (chosen with --output)";
            return;
        }
        String first = graph.outputs().get(0).name();
        Graph.Step last = producers.get(first);
        if (last != null && "Softmax".equals(last.opType())) {
            scoresName = last.node().inputs().get(0);
            scoresNote = "pre-softmax scores '" + scoresName + "' (input of Softmax node '" + last.name()
                    + "', which gives the output '" + first + "'); use --score probability for the softmax";
        } else {
            scoresName = first;
            scoresNote = "the model output '" + first + "'";
        }
    }

    @Override
    public ModelInfo info() {
        ModelInfo i = info;
        if (i == null) {
            synchronized (this) {
                if (info == null) {
                    probe();
                }
                i = info;
            }
        }
        return i;
    }

    /** Runs one forward at a nominal input shape to learn every layer's shape and type. */
    private void probe() {
        long[] shape = input.shape() == null ? null : input.shape().clone();
        String requested = source.options().get("input-shape");
        if (requested != null) {
            shape = Arrays.stream(requested.split("[,x ]+")).mapToLong(Long::parseLong).toArray();
        }
        if (shape == null) {
            throw new LoupeException(input.name() + " has no declared shape; give one with the input-shape option");
        }
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0) {
                shape[d] = d == 0 ? 1 : PROBE_SIZE;
            }
        }
        List<LayerInfo> found = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch"); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = m.zeros(new Shape(shape));
            graph.run(Map.of(input.name(), x), (step, name, value) -> {
                if (value.getDataType().isFloating()) {
                    long[] s = value.getShape().getShape().clone();
                    if (s.length > 0 && input.shape() != null && input.shape().length > 0 && input.shape()[0] < 0
                            && s[0] == 1) {
                        s[0] = -1;
                    }
                    List<String> inputs = step.node().inputs().stream()
                            .filter(i -> !i.isEmpty() && !graph.isConstant(i)).toList();
                    found.add(new LayerInfo(name, step.name(), step.opType(), s, inputs));
                }
                return value;
            });
        } catch (LoupeException e) {
            throw new LoupeException("probing the layers of " + source.path().getFileName() + " at input shape "
                    + Arrays.toString(shape) + " failed (give the input-shape option if the model needs another size): "
                    + e.getMessage(), e);
        }
        layers = new LayerIndex(found, graph, input.name());
        List<TensorInfo> outputs = graph.outputs().stream()
                .map(v -> new TensorInfo(v.name(), v.shape() == null ? new long[0] : v.shape(),
                        OnnxProto.TensorData.typeName(v.elemType())))
                .toList();
        info = new ModelInfo(source.path().getFileName().toString(),
                List.of(new TensorInfo(input.name(), input.shape() == null ? new long[0] : input.shape(),
                        OnnxProto.TensorData.typeName(input.elemType()))),
                outputs, found, List.of(), new ModelInfo.Scores(scoresName, scoresNote));
    }

    @Override
    public String backendId() {
        return OnnxBackend.ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public String engineName() {
        return "PyTorch";
    }

    @Override
    public NDManager newManager() {
        return NDManager.newBaseManager(device, "PyTorch");
    }

    /** Any device where libtorch can compute: GPUs need its CUDA build. */
    @Override
    public boolean runsOn(DeviceInfo target) {
        return target.kind() == DeviceInfo.Kind.CPU
                || Engine.getEngine("PyTorch").hasCapability(StandardCapabilities.CUDA);
    }

    @Override
    public ExplainableModel onDevice(DeviceInfo target) {
        Device d = target.djlDevice();
        if (d.equals(device)) {
            return this;
        }
        if (!runsOn(target)) {
            throw new LoupeException("cannot place " + source.path().getFileName() + " on " + target.id()
                    + ": this libtorch has no CUDA support (install DJL's CUDA build of pytorch-native, or set "
                    + "loupe.compute.devices=cpu)");
        }
        return copies.computeIfAbsent(d.toString(), id -> copyOn(d));
    }

    /** The same graph with its weights on another device, sharing this model's probed layers. */
    OnnxModel copyOn(Device target) {
        info();
        NDManager manager = NDManager.newBaseManager(target, "PyTorch");
        try {
            OnnxModel copy = new OnnxModel(source, proto,
                    Graph.compile(proto, source.path().toAbsolutePath().getParent(), manager), target);
            copy.layers = layers;
            copy.info = info;
            return copy;
        } catch (RuntimeException e) {
            manager.close();
            throw new LoupeException("cannot copy " + source.path().getFileName() + " to " + target + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Tensor predict(Tensor batch) {
        try (NDManager m = newManager()) {
            NDArray x = m.create(batch.data(), new Shape(batch.shape()));
            NDArray scores = forward(x);
            return new Tensor(scores.toFloatArray(), scores.getShape().getShape());
        }
    }

    @Override
    public PassResult pass(PassRequest request) {
        graph.checkInput(input.name(), request.input().getShape());
        LayerIndex index = layerIndex();
        List<String> capture = request.captureLayers().stream().map(index::resolve).toList();
        Map<String, NDArray> replacements = new LinkedHashMap<>();
        request.replacements().forEach((name, value) -> replacements.put(index.resolve(name), value));
        String scores = scoresName;
        if (request.objective() != null && request.objective().output() != null) {
            scores = index.resolve(request.objective().output());
        }
        PassPlan plan = new PassPlan(input.name(), request.input(), request.objective(), scores, capture,
                request.inputGradient(), replacements, request.rules());
        BackwardRules rules = request.rules();
        if (rules == null) {
            return FusedPass.run(graph, plan);
        }
        Graph g = rules.canonizers().isEmpty() ? graph
                : canonized.computeIfAbsent(Set.copyOf(rules.canonizers()), c -> Canonizers.apply(graph, c));
        return RulePass.run(g, plan);
    }

    private LayerIndex layerIndex() {
        info();
        return layers;
    }

    @Override
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (OnnxProto.TensorData t : proto.graph().initializers()) {
            NDArray v = graph.constants().get(t.name());
            if (v != null && v.getDataType().isFloating()) {
                out.put(t.name(), new Tensor(v.toType(DataType.FLOAT32, false).toFloatArray(),
                        v.getShape().getShape()));
            }
        }
        return out;
    }

    @Override
    public ExplainableModel withRandomizedLayers(List<String> layerNames, long seed) {
        LayerIndex index = layerIndex();
        NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        try {
            Map<String, NDArray> redrawn = Reinitialization.redraw(graph, index, layerNames, seed, manager);
            Graph copy = Graph.compile(proto, source.path().toAbsolutePath().getParent(), manager, redrawn);
            return new OnnxModel(source, proto, copy);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    @Override
    public void close() {
        copies.values().forEach(OnnxModel::close);
        canonized.values().forEach(Graph::close);
        graph.close();
    }

    /**
     * The float values a pass keeps per input (the graph holds every value until the pass ends),
     * from the layer shapes probed at the nominal input size; a backward pass adds as much again for
     * their gradients.
     */
    @Override
    public long bytesPerEvaluation(boolean gradient) {
        long values = 0;
        for (ModelInfo.LayerInfo layer : info().layers()) {
            long n = 1;
            for (int d = 1; d < layer.shape().length; d++) {
                n *= Math.max(1, layer.shape()[d]);
            }
            values += n;
        }
        return values * Float.BYTES * (gradient ? 2 : 1);
    }

    @Override
    public String resolveLayer(String name) {
        return layerIndex().resolve(name);
    }
}
