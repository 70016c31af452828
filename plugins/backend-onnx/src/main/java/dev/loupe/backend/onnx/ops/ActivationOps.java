package dev.loupe.backend.onnx.ops;

import static dev.loupe.backend.onnx.ops.OpSupport.one;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;

/** Activations and the softmaxes. */
final class ActivationOps {
    private ActivationOps() {
    }

    static void register() {
        unary("Relu", x -> x.getNDArrayInternal().relu());
        unary("Sigmoid", x -> x.getNDArrayInternal().sigmoid());
        unary("Tanh", NDArray::tanh);
        unary("Softplus", x -> x.getNDArrayInternal().softPlus());
        unary("Softsign", x -> x.getNDArrayInternal().softSign());
        OpRegistry.register("LeakyRelu", node -> {
            float alpha = node.attributes().getFloat("alpha", 0.01f);
            return in -> one(in[0].getNDArrayInternal().leakyRelu(alpha));
        });
        OpRegistry.register("Elu", node -> {
            float alpha = node.attributes().getFloat("alpha", 1f);
            return in -> one(in[0].getNDArrayInternal().elu(alpha));
        });
        OpRegistry.register("Selu", node -> {
            float alpha = node.attributes().getFloat("alpha", 1.67326319217681884765625f);
            float gamma = node.attributes().getFloat("gamma", 1.05070102214813232421875f);
            return in -> {
                NDArray x = in[0];
                NDArray neg = OpSupport.mul(x.exp().sub(1), alpha);
                return one(OpSupport.mul(OpSupport.where(x.gt(0), x, neg), gamma));
            };
        });
        OpRegistry.register("PRelu", node -> in -> {
            NDArray x = in[0];
            return one(OpSupport.where(x.lt(0), x.mul(in[1]), x));
        });
        OpRegistry.register("HardSigmoid", node -> {
            float alpha = node.attributes().getFloat("alpha", 0.2f);
            float beta = node.attributes().getFloat("beta", 0.5f);
            return in -> one(OpSupport.mul(in[0], alpha).add(beta).clip(0f, 1f));
        });
        OpRegistry.register("HardSwish", node -> in -> one(in[0].mul(OpSupport.div(in[0], 6).add(0.5f).clip(0f, 1f))));
        OpRegistry.register("Gelu", ActivationOps::gelu);
        OpRegistry.register("ThresholdedRelu", node -> {
            float alpha = node.attributes().getFloat("alpha", 1f);
            return in -> one(OpSupport.where(in[0].gt(alpha), in[0], in[0].zerosLike()));
        });
        OpRegistry.register("Celu", node -> {
            float alpha = node.attributes().getFloat("alpha", 1f);
            return in -> {
                NDArray x = in[0];
                NDArray negative = OpSupport.mul(OpSupport.div(x, alpha).exp().sub(1f), alpha);
                return one(OpSupport.maximum(x, 0).add(OpSupport.minimum(negative, 0)));
            };
        });
        OpRegistry.register("Shrink", node -> {
            float bias = node.attributes().getFloat("bias", 0f);
            float lambd = node.attributes().getFloat("lambd", 0.5f);
            return in -> {
                NDArray x = in[0];
                NDArray zero = x.zerosLike();
                return one(OpSupport.where(x.lt(-lambd), x.add(bias), OpSupport.where(x.gt(lambd), x.sub(bias), zero)));
            };
        });
        OpRegistry.register("Hardmax", ActivationOps::hardmax);
        OpRegistry.register("Clip", ActivationOps::clip);
        OpRegistry.register("Softmax", node -> softmax(node, false));
        OpRegistry.register("LogSoftmax", node -> softmax(node, true));
    }

    private static void unary(String op, UnaryOperator<NDArray> f) {
        OpRegistry.register(op, node -> in -> one(f.apply(in[0])));
    }

    static Kernel gelu(NodeSpec node) {
        String approx = node.attributes().getString("approximate", "none");
        if ("none".equals(approx)) {
            return in -> one(in[0].getNDArrayInternal().gelu());
        }
        if (!"tanh".equals(approx)) {
            throw node.unsupported("approximate=" + approx);
        }
        float c = (float) Math.sqrt(2 / Math.PI);
        return in -> {
            NDArray x = in[0];
            NDArray inner = OpSupport.mul(x.add(OpSupport.mul(OpSupport.pow(x, 3), 0.044715f)), c);
            return one(OpSupport.mul(x.mul(inner.tanh().add(1f)), 0.5));
        };
    }

    static Kernel clip(NodeSpec node) {
        if (node.opset() < 11) {
            float min = node.attributes().getFloat("min", Float.NEGATIVE_INFINITY);
            float max = node.attributes().getFloat("max", Float.POSITIVE_INFINITY);
            return in -> one(in[0].clip(min, max));
        }
        return in -> {
            NDArray x = in[0];
            DataType type = x.getDataType();
            Number lo = bound(in, 1, type, true);
            Number hi = bound(in, 2, type, false);
            return one(x.clip(lo, hi));
        };
    }

    private static Number bound(NDArray[] in, int index, DataType type, boolean lower) {
        NDArray b = index < in.length ? in[index] : null;
        if (OpSupport.isFloat(type)) {
            if (b == null) {
                return lower ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
            }
            return b.toType(DataType.FLOAT32, false).toFloatArray()[0];
        }
        if (b == null) {
            return lower ? minOf(type) : maxOf(type);
        }
        return b.toType(DataType.INT64, false).toLongArray()[0];
    }

    private static long minOf(DataType t) {
        return switch (t) {
            case INT8 -> Byte.MIN_VALUE;
            case UINT8, BOOLEAN -> 0;
            case INT16 -> Short.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            default -> Long.MIN_VALUE;
        };
    }

    private static long maxOf(DataType t) {
        return switch (t) {
            case INT8 -> Byte.MAX_VALUE;
            case UINT8 -> 255;
            case BOOLEAN -> 1;
            case INT16 -> Short.MAX_VALUE;
            case INT32 -> Integer.MAX_VALUE;
            default -> Long.MAX_VALUE;
        };
    }

    static Kernel hardmax(NodeSpec node) {
        boolean coerce = node.opset() < 13;
        long axisAttr = node.attributes().getInt("axis", coerce ? 1 : -1);
        return in -> {
            NDArray x = in[0];
            Shape s = x.getShape();
            int axis = OpSupport.axis(axisAttr, s.dimension());
            NDArray v = coerce ? x.reshape(new Shape(s.slice(0, axis).size(), s.slice(axis).size())) : x;
            int a = coerce ? 1 : axis;
            NDArray first = v.argMax(a).expandDims(a);
            int rank = v.getShape().dimension();
            NDArray hot = first.eq(IndexOps.positions(x.getManager(), v.getShape().get(a), a, rank));
            return one(hot.toType(x.getDataType(), false).reshape(s));
        };
    }

    static Kernel softmax(NodeSpec node, boolean log) {
        boolean coerce = node.opset() < 13;
        long axisAttr = node.attributes().getInt("axis", coerce ? 1 : -1);
        return in -> {
            NDArray x = in[0];
            int rank = x.getShape().dimension();
            int axis = OpSupport.axis(axisAttr, rank);
            if (!coerce || axis == rank - 1) {
                return one(log ? x.logSoftmax(axis) : x.softmax(axis));
            }
            Shape s = x.getShape();
            NDArray flat = x.reshape(new Shape(s.slice(0, axis).size(), s.slice(axis).size()));
            NDArray y = log ? flat.logSoftmax(1) : flat.softmax(1);
            return one(y.reshape(s));
        };
    }
}
