package dev.loupe.backend.onnx.proto;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.loupe.backend.onnx.proto.OnnxProto.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Turns stored ONNX tensors into DJL arrays. Unsigned types PyTorch lacks (uint16/32/64) widen to
 * int64; float16 and bfloat16 widen to float32, since the graph computes in float32.
 */
public final class OnnxTensors {
    private OnnxTensors() {
    }

    /**
     * @param t the stored tensor
     * @param manager where to create the array
     * @param modelDir the model's folder, for tensors kept in external data files; may be null
     * @return the array
     */
    public static NDArray toNDArray(TensorData t, NDManager manager, Path modelDir) {
        Shape shape = new Shape(t.dims());
        int n = Math.toIntExact(t.size());
        ByteBuffer raw = t.raw();
        if (t.externalLocation() != null) {
            raw = external(t, modelDir);
        }
        return switch (t.dataType()) {
            case TensorData.FLOAT -> {
                float[] v = raw != null ? floats(raw, n) : t.floatData();
                check(t, v.length, n);
                yield manager.create(v, shape);
            }
            case TensorData.DOUBLE -> {
                double[] v = new double[n];
                if (raw != null) {
                    raw.duplicate().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(v);
                } else {
                    check(t, t.fixed64Data().length, n);
                    for (int i = 0; i < n; i++) {
                        v[i] = Double.longBitsToDouble(t.fixed64Data()[i]);
                    }
                }
                yield manager.create(v, shape);
            }
            case TensorData.INT64, TensorData.UINT32, TensorData.UINT64 -> {
                long[] v = new long[n];
                if (raw != null) {
                    ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < n; i++) {
                        v[i] = t.dataType() == TensorData.UINT32 ? Integer.toUnsignedLong(b.getInt()) : b.getLong();
                    }
                } else {
                    long[] src = t.dataType() == TensorData.INT64 ? t.int64Data()
                            : t.dataType() == TensorData.UINT32 ? t.fixed64Data().length > 0 ? t.fixed64Data() : t.int32Data()
                            : t.fixed64Data();
                    check(t, src.length, n);
                    System.arraycopy(src, 0, v, 0, n);
                }
                yield manager.create(v, shape);
            }
            case TensorData.INT32, TensorData.INT16, TensorData.UINT16 -> {
                int[] v = new int[n];
                if (raw != null) {
                    ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < n; i++) {
                        v[i] = switch (t.dataType()) {
                            case TensorData.INT16 -> b.getShort();
                            case TensorData.UINT16 -> Short.toUnsignedInt(b.getShort());
                            default -> b.getInt();
                        };
                    }
                } else {
                    check(t, t.int32Data().length, n);
                    for (int i = 0; i < n; i++) {
                        v[i] = (int) t.int32Data()[i];
                    }
                }
                NDArray a = manager.create(v, shape);
                yield t.dataType() == TensorData.INT32 ? a : a.toType(DataType.INT64, false);
            }
            case TensorData.INT8, TensorData.UINT8, TensorData.BOOL -> {
                byte[] v = new byte[n];
                if (raw != null) {
                    raw.duplicate().get(v);
                } else {
                    check(t, t.int32Data().length, n);
                    for (int i = 0; i < n; i++) {
                        v[i] = (byte) t.int32Data()[i];
                    }
                }
                DataType type = switch (t.dataType()) {
                    case TensorData.INT8 -> DataType.INT8;
                    case TensorData.UINT8 -> DataType.UINT8;
                    default -> DataType.BOOLEAN;
                };
                ByteBuffer direct = ByteBuffer.allocateDirect(Math.max(n, 1)).order(ByteOrder.nativeOrder());
                direct.put(v).flip();
                yield manager.create(direct, shape, type);
            }
            case TensorData.FLOAT16, TensorData.BFLOAT16 -> {
                float[] v = new float[n];
                ByteBuffer b = raw == null ? null : raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    int bits = b != null ? Short.toUnsignedInt(b.getShort()) : (int) t.int32Data()[i];
                    v[i] = t.dataType() == TensorData.FLOAT16 ? halfToFloat(bits)
                            : Float.intBitsToFloat(bits << 16);
                }
                yield manager.create(v, shape);
            }
            default -> throw new IllegalArgumentException("tensor '" + t.name() + "' has data type "
                    + TensorData.typeName(t.dataType()) + ", which the ONNX backend does not support");
        };
    }

    /** IEEE 754 half precision to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float value = mantissa * 0x1p-24f; // subnormal
            return sign != 0 ? -value : value;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    private static void check(TensorData t, int have, int want) {
        if (have != want) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' holds " + have + " values for shape "
                    + java.util.Arrays.toString(t.dims()) + " (" + want + " expected)");
        }
    }

    private static float[] floats(ByteBuffer raw, int n) {
        float[] v = new float[n];
        raw.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    private static ByteBuffer external(TensorData t, Path modelDir) {
        if (modelDir == null) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' is stored in an external file ("
                    + t.externalLocation() + ") but the model's folder is unknown");
        }
        Path file = modelDir.resolve(t.externalLocation()).normalize();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' is stored in " + file
                    + ", which cannot be read: " + e.getMessage(), e);
        }
    }
}
