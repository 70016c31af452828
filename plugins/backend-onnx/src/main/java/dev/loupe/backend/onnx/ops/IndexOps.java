package dev.loupe.backend.onnx.ops;

import static dev.loupe.backend.onnx.ops.OpSupport.one;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Index-producing and index-driven ops: Range, GatherElements, OneHot, TopK, NonZero, Trilu, EyeLike, CumSum. */
final class IndexOps {
    private IndexOps() {
    }

    static void register() {
        OpRegistry.register("Range", node -> IndexOps::range);
        OpRegistry.register("GatherElements", IndexOps::gatherElements);
        OpRegistry.register("OneHot", IndexOps::oneHot);
        OpRegistry.register("TopK", IndexOps::topK);
        OpRegistry.register("NonZero", node -> in -> one(in[0].nonzero().transpose()));
        OpRegistry.register("Trilu", IndexOps::trilu);
        OpRegistry.register("EyeLike", IndexOps::eyeLike);
        OpRegistry.register("CumSum", IndexOps::cumSum);
    }

    /** @return 0 .. n-1 as int64, shaped to run along {@code axis} of a rank-{@code rank} array */
    static NDArray positions(NDManager m, long n, int axis, int rank) {
        long[] shape = OpSupport.filled(rank, 1);
        shape[axis] = n;
        return m.arange(0, (int) n, 1, DataType.INT64).reshape(new Shape(shape));
    }

    private static NDArray[] range(NDArray[] in) {
        NDArray start = in[0];
        DataType type = start.getDataType();
        double s = start.toType(DataType.FLOAT64, false).getDouble();
        double limit = in[1].toType(DataType.FLOAT64, false).getDouble();
        double delta = in[2].toType(DataType.FLOAT64, false).getDouble();
        long n = Math.max((long) Math.ceil((limit - s) / delta), 0);
        NDManager m = start.getManager();
        NDArray steps = m.arange(0, (int) n, 1, DataType.INT64);
        NDArray y = OpSupport.isFloat(type)
                ? steps.toType(type, false).mul(in[2]).add(start)
                : steps.mul(in[2].toType(DataType.INT64, false)).add(start.toType(DataType.INT64, false));
        return one(y.toType(type, false));
    }

    static Kernel gatherElements(NodeSpec node) {
        long axisAttr = node.attributes().getInt("axis", 0);
        return in -> {
            NDArray x = in[0];
            int axis = OpSupport.axis(axisAttr, x.getShape().dimension());
            NDArray idx = in[1].toType(DataType.INT64, false);
            // negative indices count from the end
            idx = OpSupport.where(idx.lt(0), idx.add(x.getShape().get(axis)), idx);
            return one(x.gather(idx, axis));
        };
    }

    static Kernel oneHot(NodeSpec node) {
        long axisAttr = node.attributes().getInt("axis", -1);
        return in -> {
            NDArray idx = in[0].toType(DataType.INT64, false);
            long depth = in[1].toType(DataType.INT64, false).toLongArray()[0];
            NDArray values = in[2];
            int rank = idx.getShape().dimension() + 1;
            int axis = OpSupport.axis(axisAttr, rank);
            idx = OpSupport.where(idx.lt(0), idx.add(depth), idx);
            NDArray hot = idx.expandDims(axis).eq(positions(idx.getManager(), depth, axis, rank));
            NDArray off = values.get(0);
            NDArray on = values.get(1);
            return one(OpSupport.where(hot, on, off));
        };
    }

    static Kernel topK(NodeSpec node) {
        long axisAttr = node.attributes().getInt("axis", -1);
        boolean largest = node.attributes().getInt("largest", 1) != 0;
        boolean sorted = node.attributes().getInt("sorted", 1) != 0;
        long kAttr = node.attributes().getInt("k", -1);
        return in -> {
            NDArray x = in[0];
            int axis = OpSupport.axis(axisAttr, x.getShape().dimension());
            long k = node.opset() < 10 ? kAttr : in[1].toType(DataType.INT64, false).toLongArray()[0];
            NDList r = x.topK((int) k, axis, largest, sorted);
            NDArray indices = r.get(1);
            return new NDArray[] {r.get(0), indices.getDataType() == DataType.INT64 ? indices
                    : indices.toType(DataType.INT64, false)};
        };
    }

    static Kernel trilu(NodeSpec node) {
        boolean upper = node.attributes().getInt("upper", 1) != 0;
        return in -> {
            NDArray x = in[0];
            long k = in.length > 1 && in[1] != null ? in[1].toType(DataType.INT64, false).toLongArray()[0] : 0;
            int rank = x.getShape().dimension();
            NDManager m = x.getManager();
            NDArray rows = positions(m, x.getShape().get(rank - 2), 0, 2);
            NDArray cols = positions(m, x.getShape().get(rank - 1), 1, 2);
            NDArray diagonal = cols.sub(rows);
            NDArray keep = upper ? diagonal.gte(k) : diagonal.lte(k);
            return one(OpSupport.where(keep, x, m.zeros(new Shape(), x.getDataType())));
        };
    }

    static Kernel eyeLike(NodeSpec node) {
        long k = node.attributes().getInt("k", 0);
        DataType fixed = node.attributes().has("dtype")
                ? OpSupport.dataType(node, node.attributes().getInt("dtype", 1)) : null;
        return in -> {
            NDArray x = in[0];
            DataType type = fixed != null ? fixed : x.getDataType();
            NDManager m = x.getManager();
            NDArray rows = positions(m, x.getShape().get(0), 0, 2);
            NDArray cols = positions(m, x.getShape().get(1), 1, 2);
            return one(cols.sub(rows).eq(k).toType(type, false));
        };
    }

    static Kernel cumSum(NodeSpec node) {
        boolean exclusive = node.attributes().getInt("exclusive", 0) != 0;
        boolean reverse = node.attributes().getInt("reverse", 0) != 0;
        return in -> {
            NDArray x = in[0];
            int axis = OpSupport.axis(OpSupport.longs(in[1])[0], x.getShape().dimension());
            NDArray src = reverse ? x.flip(axis) : x;
            NDArray y = src.cumSum(axis);
            if (exclusive) {
                y = y.sub(src);
            }
            if (reverse) {
                y = y.flip(axis);
            }
            return one(y.getDataType() == x.getDataType() ? y : y.toType(x.getDataType(), false));
        };
    }
}
