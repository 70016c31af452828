package dev.loupe.backend.onnx.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/** Small helpers shared by the op families: axes, shape tensors, padding arithmetic. */
final class OpSupport {
    private OpSupport() {
    }

    /** @return the single output */
    static NDArray[] one(NDArray a) {
        return new NDArray[] {a};
    }


    /** @return an int64 (or int32) shape/axes tensor's values */
    static long[] longs(NDArray a) {
        if (a.getDataType() == DataType.INT64) {
            return a.toLongArray();
        }
        return a.toType(DataType.INT64, false).toLongArray();
    }

    /** @return the axis in [0, rank) */
    static int axis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.max(rank, 1)) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }

    /** @return the axes in [0, rank), in the given order */
    static int[] axes(long[] axes, int rank) {
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = axis(axes[i], rank);
        }
        return out;
    }

    /** @return whether the type is a floating-point type */
    static boolean isFloat(DataType t) {
        return t == DataType.FLOAT32 || t == DataType.FLOAT64 || t == DataType.FLOAT16 || t == DataType.BFLOAT16;
    }

    /** @return {@code n} copies of {@code v} */
    static long[] filled(int n, long v) {
        long[] out = new long[n];
        Arrays.fill(out, v);
        return out;
    }


    /**
     * Pads the trailing {@code pads.length / 2} axes (ONNX order: all begins, then all ends) with a
     * constant; negative pads crop.
     */
    static NDArray padTrailing(NDArray x, long[] pads, double value) {
        int n = pads.length / 2;
        boolean any = false;
        for (long p : pads) {
            any |= p != 0;
        }
        if (!any) {
            return x;
        }
        // torch's pad lists (begin, end) pairs from the last axis backwards
        long[] torch = new long[2 * n];
        for (int i = 0; i < n; i++) {
            int axis = n - 1 - i;
            torch[2 * i] = pads[axis];
            torch[2 * i + 1] = pads[axis + n];
        }
        return x.pad(new Shape(torch), value);
    }

    /** ONNX auto_pad values. */
    enum AutoPad {
        NOTSET, SAME_UPPER, SAME_LOWER, VALID;

        static AutoPad of(NodeSpec node) {
            String s = node.attributes().getString("auto_pad", "NOTSET");
            try {
                return AutoPad.valueOf(s.isEmpty() ? "NOTSET" : s);
            } catch (IllegalArgumentException e) {
                throw node.unsupported("auto_pad=" + s);
            }
        }
    }

    /**
     * The explicit pads (begins then ends) of a sliding window over the spatial axes.
     *
     * @param autoPad the auto_pad mode
     * @param pads the pads attribute (used when NOTSET), or null
     * @param in the spatial input sizes
     * @param kernel the kernel sizes
     * @param strides the strides
     * @param dilations the dilations
     */
    static long[] windowPads(AutoPad autoPad, long[] pads, long[] in, long[] kernel, long[] strides,
            long[] dilations) {
        int n = in.length;
        long[] out = new long[2 * n];
        switch (autoPad) {
            case NOTSET -> {
                if (pads != null) {
                    System.arraycopy(pads, 0, out, 0, 2 * n);
                }
            }
            case VALID -> {
                // no padding
            }
            case SAME_UPPER, SAME_LOWER -> {
                for (int i = 0; i < n; i++) {
                    long outSize = (in[i] + strides[i] - 1) / strides[i];
                    long total = Math.max(0, (outSize - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in[i]);
                    long small = total / 2;
                    long big = total - small;
                    out[i] = autoPad == AutoPad.SAME_UPPER ? small : big;
                    out[i + n] = autoPad == AutoPad.SAME_UPPER ? big : small;
                }
            }
            default -> throw new IllegalStateException();
        }
        return out;
    }

    /** @return whether begin and end pads agree on every axis */
    static boolean symmetric(long[] pads) {
        int n = pads.length / 2;
        for (int i = 0; i < n; i++) {
            if (pads[i] != pads[i + n]) {
                return false;
            }
        }
        return true;
    }

    /** @return the spatial dims (from axis 2) of a shape */
    static long[] spatial(Shape s) {
        long[] all = s.getShape();
        return Arrays.copyOfRange(all, 2, all.length);
    }


    /**
     * A 0-d tensor of {@code value} in {@code like}'s type and on its device, in memory libtorch owns.
     * DJL's number forms ({@code x.mul(2f)}) wrap the number in a Java buffer that they release at
     * once; an autograd graph that saved it for the backward pass (mul, div, pow, maximum, minimum
     * do) then reads memory the garbage collector may already have freed. Kernels use these.
     */
    static NDArray scalarLike(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }

    /** @return {@code x · v}, differentiable whatever the garbage collector does */
    static NDArray mul(NDArray x, double v) {
        return x.mul(scalarLike(x, v));
    }

    /** @return {@code x / v}, differentiable whatever the garbage collector does */
    static NDArray div(NDArray x, double v) {
        return x.div(scalarLike(x, v));
    }

    /** @return {@code x ^ v}, differentiable whatever the garbage collector does */
    static NDArray pow(NDArray x, double v) {
        return x.pow(scalarLike(x, v));
    }

    /** @return {@code max(x, v)}, differentiable whatever the garbage collector does */
    static NDArray maximum(NDArray x, double v) {
        return x.maximum(scalarLike(x, v));
    }

    /** @return {@code min(x, v)}, differentiable whatever the garbage collector does */
    static NDArray minimum(NDArray x, double v) {
        return x.minimum(scalarLike(x, v));
    }

    /** Mean over several axes (DJL's PyTorch mean takes one axis at a time). */
    static NDArray mean(NDArray x, int[] axes, boolean keepDims) {
        if (axes.length == 0) {
            return x;
        }
        long count = 1;
        for (int a : axes) {
            count *= x.getShape().get(a);
        }
        return div(x.sum(axes, keepDims), count);
    }

    /** Max (or min) over several axes, one axis at a time. */
    static NDArray extreme(NDArray x, int[] axes, boolean keepDims, boolean max) {
        if (axes.length == 0) {
            return x;
        }
        NDArray y = x;
        for (int a : axes) {
            y = max ? y.max(new int[] {a}, true) : y.min(new int[] {a}, true);
        }
        if (!keepDims) {
            y = y.squeeze(axes);
        }
        return y;
    }

    /** @return axes 2..rank-1 */
    static int[] spatialAxes(NDArray x) {
        int[] axes = new int[x.getShape().dimension() - 2];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 2;
        }
        return axes;
    }

    /** @return elementwise {@code cond ? a : b}, broadcasting */
    static NDArray where(NDArray cond, NDArray a, NDArray b) {
        // DJL's PyTorch where wants condition and self of one shape: broadcast first (expand is differentiable)
        long[] shape = ShapeOps.broadcastShape(ShapeOps.broadcastShape(cond.getShape().getShape(),
                a.getShape().getShape()), b.getShape().getShape());
        Shape s = new Shape(shape);
        NDArray c = cond.getShape().equals(s) ? cond : cond.broadcast(s);
        NDArray x = a.getShape().equals(s) ? a : a.broadcast(s);
        return x.getNDArrayInternal().where(c, b);
    }

    /** @return {@code x} indexed along {@code axis} by an integer array (numpy take; negative indices wrap) */
    static NDArray take(NDArray x, NDArray index, int axis) {
        return x.get(new ai.djl.ndarray.index.NDIndex(":, ".repeat(axis) + "{}", index));
    }

    /** @return the DJL type of an ONNX TensorProto data type */
    static DataType dataType(NodeSpec node, long onnxType) {
        return switch ((int) onnxType) {
            case 1 -> DataType.FLOAT32;
            case 2 -> DataType.UINT8;
            case 3 -> DataType.INT8;
            case 5 -> DataType.INT16;
            case 6 -> DataType.INT32;
            case 7, 4, 12, 13 -> DataType.INT64; // unsigned types PyTorch lacks widen, as in OnnxTensors
            case 9 -> DataType.BOOLEAN;
            case 10 -> DataType.FLOAT16;
            case 11 -> DataType.FLOAT64;
            case 16 -> DataType.BFLOAT16;
            default -> throw node.unsupported("data type " + onnxType);
        };
    }

    /** @return a one-element array as a scalar (shape []) */
    static NDArray scalar(NDArray a) {
        return a.getShape().dimension() == 0 ? a : a.reshape(new Shape());
    }
}
