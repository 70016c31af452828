package dev.loupe.backend.onnx.proto;

import dev.loupe.backend.onnx.proto.OnnxProto.Attribute;
import dev.loupe.backend.onnx.proto.OnnxProto.Graph;
import dev.loupe.backend.onnx.proto.OnnxProto.Model;
import dev.loupe.backend.onnx.proto.OnnxProto.Node;
import dev.loupe.backend.onnx.proto.OnnxProto.TensorData;
import dev.loupe.backend.onnx.proto.OnnxProto.ValueInfo;
import dev.loupe.backend.onnx.proto.WireReader.FloatList;
import dev.loupe.backend.onnx.proto.WireReader.LongList;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decodes ONNX ModelProto and TensorProto messages (field numbers from onnx.proto). */
public final class OnnxReader {
    private OnnxReader() {
    }

    /**
     * Reads a model file.
     *
     * @param path the .onnx file
     * @return the model
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a valid ONNX model
     */
    public static Model readModel(Path path) throws IOException {
        Model model;
        try {
            model = model(new WireReader(map(path)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(path.getFileName() + " is not a valid ONNX model (protobuf decoding failed: "
                    + e.getMessage() + ")", e);
        }
        if (model.graph() == null || model.graph().nodes().isEmpty()) {
            throw new IllegalArgumentException(path.getFileName() + " is not an ONNX model: it holds no graph with nodes");
        }
        return model;
    }

    /**
     * Reads a serialised TensorProto (as the ONNX test data's input_0.pb files hold).
     *
     * @param path the .pb file
     * @return the tensor
     * @throws IOException if the file cannot be read
     */
    public static TensorData readTensor(Path path) throws IOException {
        return tensor(new WireReader(map(path)));
    }

    private static ByteBuffer map(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
    }

    private static Model model(WireReader r) {
        long ir = 0;
        Map<String, Long> opsets = new LinkedHashMap<>();
        String producer = "";
        String producerVersion = "";
        Graph graph = null;
        Map<String, String> metadata = new LinkedHashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> ir = r.varint();
                case 2 -> producer = r.string();
                case 3 -> producerVersion = r.string();
                case 7 -> graph = graph(r.message());
                case 8 -> {
                    WireReader o = r.message();
                    String domain = "";
                    long version = 0;
                    while (o.next()) {
                        switch (o.field()) {
                            case 1 -> domain = o.string();
                            case 2 -> version = o.varint();
                            default -> o.skip();
                        }
                    }
                    opsets.put(domain, version);
                }
                case 14 -> {
                    String[] kv = entry(r.message());
                    metadata.put(kv[0], kv[1]);
                }
                default -> r.skip();
            }
        }
        return new Model(ir, opsets, (producer + " " + producerVersion).trim(), graph, metadata);
    }

    private static Graph graph(WireReader r) {
        String name = "";
        List<Node> nodes = new ArrayList<>();
        List<TensorData> initializers = new ArrayList<>();
        List<ValueInfo> inputs = new ArrayList<>();
        List<ValueInfo> outputs = new ArrayList<>();
        List<ValueInfo> valueInfo = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> nodes.add(node(r.message(), nodes.size()));
                case 2 -> name = r.string();
                case 5 -> initializers.add(tensor(r.message()));
                case 11 -> inputs.add(valueInfo(r.message()));
                case 12 -> outputs.add(valueInfo(r.message()));
                case 13 -> valueInfo.add(valueInfo(r.message()));
                default -> r.skip();
            }
        }
        return new Graph(name, nodes, initializers, inputs, outputs, valueInfo);
    }

    private static Node node(WireReader r, int index) {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String opType = "";
        String domain = "";
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> inputs.add(r.string());
                case 2 -> outputs.add(r.string());
                case 3 -> name = r.string();
                case 4 -> opType = r.string();
                case 5 -> {
                    Attribute a = attribute(r.message());
                    attributes.put(a.name(), a);
                }
                case 7 -> domain = r.string();
                default -> r.skip();
            }
        }
        if (name.isEmpty()) {
            // unnamed nodes are addressed by a stable synthetic name: op type and position
            name = opType + "_" + index;
        }
        return new Node(name, opType, domain, inputs, outputs, attributes);
    }

    private static Attribute attribute(WireReader r) {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        byte[] s = null;
        TensorData t = null;
        Graph g = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        List<byte[]> strings = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string();
                case 20 -> type = (int) r.varint();
                case 2 -> f = r.fixed32Float();
                case 3 -> i = r.varint();
                case 4 -> s = bytes(r.bytes());
                case 5 -> t = tensor(r.message());
                case 6 -> g = graph(r.message());
                case 7 -> r.floats(floats);
                case 8 -> r.int64s(ints);
                case 9 -> strings.add(bytes(r.bytes()));
                default -> r.skip();
            }
        }
        return new Attribute(name, type, f, i, s, t, g, floats.toArray(), ints.toArray(), strings);
    }

    private static TensorData tensor(WireReader r) {
        LongList dims = new LongList();
        int dataType = 0;
        String name = "";
        ByteBuffer raw = null;
        FloatList floats = new FloatList();
        LongList int32s = new LongList();
        LongList int64s = new LongList();
        LongList fixed64s = new LongList();
        String external = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> r.int64s(dims);
                case 2 -> dataType = (int) r.varint();
                case 4 -> r.floats(floats);
                case 5 -> r.int64s(int32s);
                case 7 -> r.int64s(int64s);
                case 8 -> name = r.string();
                case 9 -> raw = r.bytes();
                case 10, 11 -> {
                    if (r.wireType() == WireReader.VARINT) {
                        r.int64s(fixed64s); // uint64_data is varint-encoded
                    } else {
                        r.fixed64s(fixed64s);
                    }
                }
                case 13 -> {
                    String[] kv = entry(r.message());
                    if ("location".equals(kv[0])) {
                        external = kv[1];
                    }
                }
                default -> r.skip();
            }
        }
        return new TensorData(name, dims.toArray(), dataType, raw, floats.toArray(), int32s.toArray(),
                int64s.toArray(), fixed64s.toArray(), external);
    }

    private static ValueInfo valueInfo(WireReader r) {
        String name = "";
        int elemType = 0;
        long[] shape = null;
        List<String> symbols = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string();
                case 2 -> {
                    WireReader type = r.message();
                    while (type.next()) {
                        if (type.field() == 1) { // tensor_type
                            WireReader tensor = type.message();
                            while (tensor.next()) {
                                switch (tensor.field()) {
                                    case 1 -> elemType = (int) tensor.varint();
                                    case 2 -> shape = shape(tensor.message(), symbols);
                                    default -> tensor.skip();
                                }
                            }
                        } else {
                            type.skip();
                        }
                    }
                }
                default -> r.skip();
            }
        }
        return new ValueInfo(name, elemType, shape, symbols);
    }

    private static long[] shape(WireReader r, List<String> symbols) {
        LongList dims = new LongList();
        while (r.next()) {
            if (r.field() == 1) {
                WireReader dim = r.message();
                long value = -1;
                String symbol = "";
                while (dim.next()) {
                    switch (dim.field()) {
                        case 1 -> value = dim.varint();
                        case 2 -> symbol = dim.string();
                        default -> dim.skip();
                    }
                }
                dims.add(value);
                symbols.add(symbol);
            } else {
                r.skip();
            }
        }
        return dims.toArray();
    }

    /** @return key and value of a StringStringEntryProto */
    private static String[] entry(WireReader r) {
        String[] kv = {"", ""};
        while (r.next()) {
            switch (r.field()) {
                case 1 -> kv[0] = r.string();
                case 2 -> kv[1] = r.string();
                default -> r.skip();
            }
        }
        return kv;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }
}
