package dev.loupe.backend.onnx.ops;

import static dev.loupe.backend.onnx.ops.OpSupport.one;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/** Reductions over axes (attribute or input, per opset), ArgMax and ArgMin. */
final class ReduceOps {
    private ReduceOps() {
    }

    /** One reduction over already normalised, non-empty axes. */
    @FunctionalInterface
    private interface Reduction {
        NDArray apply(NDArray x, int[] axes, boolean keepDims);
    }

    static void register() {
        reduce("ReduceMean", 18, OpSupport::mean);
        reduce("ReduceSum", 13, (x, a, k) -> x.sum(a, k));
        reduce("ReduceMax", 18, (x, a, k) -> OpSupport.extreme(x, a, k, true));
        reduce("ReduceMin", 18, (x, a, k) -> OpSupport.extreme(x, a, k, false));
        reduce("ReduceProd", 18, ReduceOps::prod);
        reduce("ReduceSumSquare", 18, (x, a, k) -> x.square().sum(a, k));
        reduce("ReduceL1", 18, (x, a, k) -> x.abs().sum(a, k));
        reduce("ReduceL2", 18, (x, a, k) -> x.square().sum(a, k).sqrt());
        reduce("ReduceLogSum", 18, (x, a, k) -> x.sum(a, k).log());
        reduce("ReduceLogSumExp", 18, (x, a, k) -> {
            NDArray m = OpSupport.extreme(x, a, true, true).stopGradient();
            NDArray y = x.sub(m).exp().sum(a, true).log().add(m);
            return k ? y : y.squeeze(a);
        });
        OpRegistry.register("ArgMax", node -> arg(node, true));
        OpRegistry.register("ArgMin", node -> arg(node, false));
    }

    private static NDArray prod(NDArray x, int[] axes, boolean keepDims) {
        NDArray y = x;
        for (int a : axes) {
            y = y.prod(new int[] {a}, true);
        }
        return keepDims ? y : y.squeeze(axes);
    }

    private static void reduce(String op, int axesInputFrom, Reduction f) {
        OpRegistry.register(op, node -> {
            boolean keep = node.attributes().getInt("keepdims", 1) != 0;
            boolean noop = node.attributes().getInt("noop_with_empty_axes", 0) != 0;
            long[] attrAxes = node.attributes().getInts("axes", null);
            boolean fromInput = node.opset() >= axesInputFrom;
            return in -> {
                NDArray x = in[0];
                int rank = x.getShape().dimension();
                long[] axes = fromInput ? (in.length > 1 && in[1] != null ? OpSupport.longs(in[1]) : null) : attrAxes;
                if (axes == null || axes.length == 0) {
                    if (noop && fromInput) {
                        return one(x);
                    }
                    axes = new long[rank];
                    for (int i = 0; i < rank; i++) {
                        axes[i] = i;
                    }
                }
                if (rank == 0) {
                    return one(x);
                }
                int[] a = OpSupport.axes(axes, rank);
                a = Arrays.stream(a).distinct().sorted().toArray();
                NDArray y = f.apply(x, a, keep);
                // libtorch sums small integer types into int64; ONNX keeps the input's type
                return one(y.getDataType() == x.getDataType() ? y : y.toType(x.getDataType(), false));
            };
        });
    }

    private static Kernel arg(NodeSpec node, boolean max) {
        long axisAttr = node.attributes().getInt("axis", 0);
        boolean keep = node.attributes().getInt("keepdims", 1) != 0;
        boolean last = node.attributes().getInt("select_last_index", 0) != 0;
        return in -> {
            NDArray x = in[0];
            int axis = OpSupport.axis(axisAttr, x.getShape().dimension());
            NDArray src = last ? x.flip(axis) : x;
            NDArray y = max ? src.argMax(axis) : src.argMin(axis);
            if (y.getDataType() != DataType.INT64) {
                y = y.toType(DataType.INT64, false);
            }
            if (last) {
                // the first index in the flipped array is the last one in the original
                y = y.neg().add(x.getShape().get(axis) - 1);
            }
            return one(keep ? y.expandDims(axis) : y);
        };
    }
}
