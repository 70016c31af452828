package dev.loupe.backend.onnx.ops;

import static dev.loupe.backend.onnx.ops.OpSupport.one;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/** Pad: constant (libtorch's constant pad), reflect, edge and wrap (by slicing and concatenation). */
final class PadOps {
    private PadOps() {
    }

    static void register() {
        OpRegistry.register("Pad", PadOps::pad);
    }

    private enum Mode {
        CONSTANT, REFLECT, EDGE, WRAP
    }

    static Kernel pad(NodeSpec node) {
        String modeName = node.attributes().getString("mode", "constant");
        Mode mode;
        try {
            mode = Mode.valueOf(modeName.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw node.unsupported("mode=" + modeName);
        }
        boolean fromInputs = node.opset() >= 11;
        long[] attrPads = node.opset() < 2 ? node.attributes().getInts("paddings", null)
                : node.attributes().getInts("pads", null);
        float attrValue = node.attributes().getFloat("value", 0f);
        return in -> {
            NDArray x = in[0];
            int rank = x.getShape().dimension();
            long[] given = fromInputs ? OpSupport.longs(in[1]) : attrPads;
            double value = attrValue;
            if (fromInputs && in.length > 2 && in[2] != null) {
                value = in[2].toType(DataType.FLOAT64, false).toDoubleArray()[0];
            }
            long[] pads = new long[2 * rank];
            if (fromInputs && in.length > 3 && in[3] != null) {
                int[] axes = OpSupport.axes(OpSupport.longs(in[3]), rank);
                for (int i = 0; i < axes.length; i++) {
                    pads[axes[i]] = given[i];
                    pads[axes[i] + rank] = given[i + axes.length];
                }
            } else {
                System.arraycopy(given, 0, pads, 0, 2 * rank);
            }
            if (mode == Mode.CONSTANT) {
                return one(OpSupport.padTrailing(x, pads, value));
            }
            NDArray y = x;
            for (int axis = 0; axis < rank; axis++) {
                y = padAxis(y, axis, pads[axis], pads[axis + rank], mode);
            }
            return one(y);
        };
    }

    private static NDArray range(NDArray x, int axis, long from, long to) {
        return x.get(new NDIndex().addAllDim(axis).addSliceDim(from, to));
    }

    private static NDArray padAxis(NDArray x, int axis, long begin, long end, Mode mode) {
        long dim = x.getShape().get(axis);
        if (begin < 0 || end < 0) {
            x = range(x, axis, Math.max(0, -begin), dim - Math.max(0, -end));
            dim = x.getShape().get(axis);
            begin = Math.max(0, begin);
            end = Math.max(0, end);
        }
        if (begin == 0 && end == 0) {
            return x;
        }
        NDList parts = new NDList();
        switch (mode) {
            case REFLECT -> {
                if (begin >= dim || end >= dim) {
                    throw new IllegalArgumentException("reflect padding of " + Math.max(begin, end)
                            + " on an axis of size " + dim);
                }
                if (begin > 0) {
                    parts.add(range(x, axis, 1, begin + 1).flip(axis));
                }
                parts.add(x);
                if (end > 0) {
                    parts.add(range(x, axis, dim - 1 - end, dim - 1).flip(axis));
                }
            }
            case EDGE -> {
                if (begin > 0) {
                    parts.add(range(x, axis, 0, 1).repeat(axis, begin));
                }
                parts.add(x);
                if (end > 0) {
                    parts.add(range(x, axis, dim - 1, dim).repeat(axis, end));
                }
            }
            case WRAP -> {
                if (begin > dim || end > dim) {
                    throw new IllegalArgumentException("wrap padding of " + Math.max(begin, end)
                            + " on an axis of size " + dim);
                }
                if (begin > 0) {
                    parts.add(range(x, axis, dim - begin, dim));
                }
                parts.add(x);
                if (end > 0) {
                    parts.add(range(x, axis, 0, end));
                }
            }
            default -> throw new IllegalStateException();
        }
        return NDArrays.concat(parts, axis);
    }
}
