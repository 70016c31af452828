package dev.loupe.backend.onnx.proto;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/** The parts of ONNX's protobuf messages a backend reads, as plain records. */
public final class OnnxProto {
    private OnnxProto() {
    }

    /**
     * A model file.
     *
     * @param irVersion the IR version
     * @param opsets opset version by domain ("" = the default ONNX domain)
     * @param producer producer name and version, for messages
     * @param graph the main graph
     * @param metadata the metadata properties
     */
    public record Model(long irVersion, Map<String, Long> opsets, String producer, Graph graph,
            Map<String, String> metadata) {
        /** @return the default-domain opset (ai.onnx), or 1 if none is declared */
        public int defaultOpset() {
            Long v = opsets.getOrDefault("", opsets.get("ai.onnx"));
            return v == null ? 1 : v.intValue();
        }
    }

    /**
     * A graph.
     *
     * @param name its name
     * @param nodes nodes in file order (ONNX requires topological order)
     * @param initializers constant tensors (weights)
     * @param inputs declared inputs (older files list initializers here too)
     * @param outputs declared outputs
     * @param valueInfo declared types of intermediate values
     */
    public record Graph(String name, List<Node> nodes, List<TensorData> initializers, List<ValueInfo> inputs,
            List<ValueInfo> outputs, List<ValueInfo> valueInfo) {
    }

    /**
     * A node.
     *
     * @param name the node name (may be empty in the file; the reader names such nodes)
     * @param opType the op type
     * @param domain the op's domain ("" for ai.onnx)
     * @param inputs input value names ("" marks an omitted optional input)
     * @param outputs output value names
     * @param attributes attributes by name
     */
    public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
            Map<String, Attribute> attributes) {
    }

    /**
     * An attribute; which fields are set depends on {@code type} (ONNX AttributeType numbers).
     *
     * @param name the name
     * @param type 1 float, 2 int, 3 string, 4 tensor, 5 graph, 6 floats, 7 ints, 8 strings
     * @param f float value
     * @param i int value
     * @param s string value (UTF-8 bytes)
     * @param t tensor value
     * @param g graph value
     * @param floats float values
     * @param ints int values
     * @param strings string values
     */
    public record Attribute(String name, int type, float f, long i, byte[] s, TensorData t, Graph g, float[] floats,
            long[] ints, List<byte[]> strings) {
        public static final int FLOAT = 1;
        public static final int INT = 2;
        public static final int STRING = 3;
        public static final int TENSOR = 4;
        public static final int GRAPH = 5;
        public static final int FLOATS = 6;
        public static final int INTS = 7;
        public static final int STRINGS = 8;
    }

    /**
     * A tensor as stored: one of the typed arrays or raw little-endian bytes is set.
     *
     * @param name the name
     * @param dims the dimensions
     * @param dataType ONNX TensorProto.DataType number (1 float, 6 int32, 7 int64, 9 bool, 11 double...)
     * @param raw raw little-endian bytes, or null
     * @param floatData float_data, or empty
     * @param int32Data int32_data (also holds int8/uint8/int16/bool/float16 values), or empty
     * @param int64Data int64_data, or empty
     * @param fixed64Data double_data or uint64_data as raw bits, or empty
     * @param externalLocation the external data file, when the data is stored outside the model
     */
    public record TensorData(String name, long[] dims, int dataType, ByteBuffer raw, float[] floatData,
            long[] int32Data, long[] int64Data, long[] fixed64Data, String externalLocation) {
        public static final int FLOAT = 1;
        public static final int UINT8 = 2;
        public static final int INT8 = 3;
        public static final int UINT16 = 4;
        public static final int INT16 = 5;
        public static final int INT32 = 6;
        public static final int INT64 = 7;
        public static final int STRING = 8;
        public static final int BOOL = 9;
        public static final int FLOAT16 = 10;
        public static final int DOUBLE = 11;
        public static final int UINT32 = 12;
        public static final int UINT64 = 13;
        public static final int BFLOAT16 = 16;

        /** @return the number of elements */
        public long size() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        /** @return a readable name of an ONNX data type number */
        public static String typeName(int dataType) {
            return switch (dataType) {
                case FLOAT -> "float32";
                case UINT8 -> "uint8";
                case INT8 -> "int8";
                case UINT16 -> "uint16";
                case INT16 -> "int16";
                case INT32 -> "int32";
                case INT64 -> "int64";
                case STRING -> "string";
                case BOOL -> "bool";
                case FLOAT16 -> "float16";
                case DOUBLE -> "float64";
                case UINT32 -> "uint32";
                case UINT64 -> "uint64";
                case BFLOAT16 -> "bfloat16";
                default -> "type#" + dataType;
            };
        }
    }

    /**
     * A declared value: name, element type and shape.
     *
     * @param name the value name
     * @param elemType ONNX data type number, 0 if not a tensor or unknown
     * @param shape dimensions, -1 where symbolic or unknown; null when the rank is unknown
     * @param symbols the symbolic dimension names ("" where a dimension is fixed)
     */
    public record ValueInfo(String name, int elemType, long[] shape, List<String> symbols) {
    }
}
