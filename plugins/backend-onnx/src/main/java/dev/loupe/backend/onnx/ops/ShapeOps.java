package dev.loupe.backend.onnx.ops;

import static dev.loupe.backend.onnx.ops.OpSupport.longs;
import static dev.loupe.backend.onnx.ops.OpSupport.one;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.loupe.backend.onnx.proto.OnnxProto.TensorData;
import dev.loupe.backend.onnx.proto.OnnxTensors;
import java.util.Arrays;

/** Ops that move, select or reinterpret data without arithmetic. */
final class ShapeOps {
    private ShapeOps() {
    }

    static void register() {
        OpRegistry.register("Flatten", ShapeOps::flatten);
        OpRegistry.register("Identity", node -> in -> one(in[0]));
        OpRegistry.register("Reshape", ShapeOps::reshape);
        OpRegistry.register("Transpose", ShapeOps::transpose);
        OpRegistry.register("Squeeze", ShapeOps::squeeze);
        OpRegistry.register("Unsqueeze", ShapeOps::unsqueeze);
        OpRegistry.register("Concat", ShapeOps::concat);
        OpRegistry.register("Split", ShapeOps::split);
        OpRegistry.register("Slice", ShapeOps::slice);
        OpRegistry.register("Gather", ShapeOps::gather);
        OpRegistry.register("Shape", ShapeOps::shape);
        OpRegistry.register("Size", node -> in -> one(in[0].getManager().create(in[0].getShape().size())));
        OpRegistry.register("Cast", ShapeOps::cast);
        OpRegistry.register("CastLike", node -> in -> one(convert(in[0], in[1].getDataType())));
        OpRegistry.register("DepthToSpace", ShapeOps::depthToSpace);
        OpRegistry.register("SpaceToDepth", ShapeOps::spaceToDepth);
        OpRegistry.register("ConstantOfShape", ShapeOps::constantOfShape);
        OpRegistry.register("Dropout", ShapeOps::dropout);
        OpRegistry.register("Expand", node -> in -> {
            NDArray x = in[0];
            return one(x.broadcast(new Shape(broadcastShape(x.getShape().getShape(), longs(in[1])))));
        });
        OpRegistry.register("Tile", node -> in -> one(in[0].tile(longs(in[1]))));
    }

    /** @return the numpy broadcast of two shapes */
    static long[] broadcastShape(long[] a, long[] b) {
        int n = Math.max(a.length, b.length);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long da = i < n - a.length ? 1 : a[i - (n - a.length)];
            long db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    static Kernel flatten(NodeSpec node) {
        long axisAttr = node.attributes().getInt("axis", 1);
        return in -> {
            NDArray x = in[0];
            Shape s = x.getShape();
            int rank = s.dimension();
            int axis = (int) (axisAttr < 0 ? axisAttr + rank : axisAttr);
            if (axis < 0 || axis > rank) {
                throw new IllegalArgumentException("Flatten axis " + axisAttr + " is out of range for rank " + rank);
            }
            long outer = 1;
            for (int i = 0; i < axis; i++) {
                outer *= s.get(i);
            }
            long inner = 1;
            for (int i = axis; i < rank; i++) {
                inner *= s.get(i);
            }
            return one(x.reshape(outer, inner));
        };
    }

    static Kernel reshape(NodeSpec node) {
        if (node.opset() < 5) {
            long[] shape = node.attributes().getInts("shape", new long[0]);
            return in -> one(in[0].reshape(new Shape(target(in[0].getShape().getShape(), shape, false))));
        }
        boolean allowZero = node.attributes().getInt("allowzero", 0) != 0;
        return in -> one(in[0].reshape(new Shape(target(in[0].getShape().getShape(), longs(in[1]), allowZero))));
    }

    /** Reshape's target: 0 copies the input's dim (unless allowzero), -1 is inferred. */
    static long[] target(long[] from, long[] spec, boolean allowZero) {
        long[] out = spec.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                out[i] = from[i];
            }
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("Reshape with more than one -1: " + Arrays.toString(spec));
                }
                infer = i;
            } else {
                known *= out[i];
            }
        }
        if (infer >= 0) {
            long total = 1;
            for (long d : from) {
                total *= d;
            }
            out[infer] = known == 0 ? 0 : total / known;
        }
        return out;
    }

    static Kernel transpose(NodeSpec node) {
        long[] perm = node.attributes().getInts("perm", null);
        return in -> {
            NDArray x = in[0];
            int rank = x.getShape().dimension();
            int[] p = new int[rank];
            for (int i = 0; i < rank; i++) {
                p[i] = perm != null && perm.length == rank ? OpSupport.axis(perm[i], rank) : rank - 1 - i;
            }
            return one(x.transpose(p));
        };
    }

    /** Axes from the attribute (before {@code inputFrom}) or from input 1. */
    private static long[] axesOf(NodeSpec node, NDArray[] in, int inputFrom) {
        if (node.opset() < inputFrom) {
            return node.attributes().getInts("axes", null);
        }
        return in.length > 1 && in[1] != null ? longs(in[1]) : null;
    }

    static Kernel squeeze(NodeSpec node) {
        return in -> {
            NDArray x = in[0];
            long[] axes = axesOf(node, in, 13);
            if (axes == null || axes.length == 0) {
                long[] s = x.getShape().getShape();
                return one(x.reshape(new Shape(Arrays.stream(s).filter(d -> d != 1).toArray())));
            }
            return one(x.squeeze(OpSupport.axes(axes, x.getShape().dimension())));
        };
    }

    static Kernel unsqueeze(NodeSpec node) {
        return in -> {
            NDArray x = in[0];
            long[] axes = axesOf(node, in, 13);
            int rank = x.getShape().dimension() + axes.length;
            int[] a = OpSupport.axes(axes, rank);
            Arrays.sort(a);
            NDArray y = x;
            for (int axis : a) {
                y = y.expandDims(axis);
            }
            return one(y);
        };
    }

    static Kernel concat(NodeSpec node) {
        long axisAttr = node.attributes().getInt("axis", 1);
        return in -> {
            NDList list = new NDList();
            for (NDArray a : in) {
                if (a != null) {
                    list.add(a);
                }
            }
            int axis = OpSupport.axis(axisAttr, list.get(0).getShape().dimension());
            return one(list.size() == 1 ? list.get(0) : NDArrays.concat(list, axis));
        };
    }

    static Kernel split(NodeSpec node) {
        long axisAttr = node.attributes().getInt("axis", 0);
        long[] splitAttr = node.attributes().getInts("split", null);
        long numOutputs = node.attributes().getInt("num_outputs", 0);
        int outputs = node.outputNames().size();
        return in -> {
            NDArray x = in[0];
            int axis = OpSupport.axis(axisAttr, x.getShape().dimension());
            long dim = x.getShape().get(axis);
            long[] sizes;
            if (node.opset() < 13 && splitAttr != null && splitAttr.length > 0) {
                sizes = splitAttr;
            } else if (node.opset() >= 13 && in.length > 1 && in[1] != null) {
                sizes = longs(in[1]);
            } else {
                int n = numOutputs > 0 ? (int) numOutputs : outputs;
                long chunk = numOutputs > 0 ? (dim + n - 1) / n : dim / n;
                sizes = new long[n];
                for (int i = 0; i < n; i++) {
                    sizes[i] = Math.max(0, Math.min(chunk, dim - i * chunk));
                }
            }
            NDArray[] out = new NDArray[sizes.length];
            long start = 0;
            for (int i = 0; i < sizes.length; i++) {
                out[i] = x.get(new NDIndex().addAllDim(axis).addSliceDim(start, start + sizes[i]));
                start += sizes[i];
            }
            return out;
        };
    }

    static Kernel slice(NodeSpec node) {
        if (node.opset() < 10) {
            long[] starts = node.attributes().getInts("starts", null);
            long[] ends = node.attributes().getInts("ends", null);
            long[] axes = node.attributes().getInts("axes", null);
            return in -> one(slice(in[0], starts, ends, axes, null));
        }
        return in -> one(slice(in[0], longs(in[1]), longs(in[2]), in.length > 3 && in[3] != null ? longs(in[3]) : null,
                in.length > 4 && in[4] != null ? longs(in[4]) : null));
    }

    /** ONNX Slice: out-of-range starts and ends clamp; negative steps walk backwards. */
    static NDArray slice(NDArray x, long[] starts, long[] ends, long[] axes, long[] steps) {
        int rank = x.getShape().dimension();
        long[] min = new long[rank];
        long[] max = x.getShape().getShape().clone();
        long[] step = OpSupport.filled(rank, 1);
        boolean[] flip = new boolean[rank];
        for (int i = 0; i < starts.length; i++) {
            int axis = axes == null ? i : OpSupport.axis(axes[i], rank);
            long dim = x.getShape().get(axis);
            long s = steps == null ? 1 : steps[i];
            if (s == 0) {
                throw new IllegalArgumentException("Slice step 0");
            }
            long start = starts[i] < 0 ? starts[i] + dim : starts[i];
            long end = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (s > 0) {
                start = clamp(start, 0, dim);
                end = clamp(end, 0, dim);
                min[axis] = start;
                max[axis] = Math.max(start, end);
                step[axis] = s;
            } else {
                start = clamp(start, 0, dim - 1);
                end = clamp(end, -1, dim - 1);
                // walk the flipped axis forwards: index i there is dim - 1 - i here
                flip[axis] = true;
                min[axis] = Math.max(0, dim - 1 - start);
                max[axis] = Math.max(min[axis], dim - 1 - end);
                step[axis] = -s;
            }
        }
        NDArray y = x;
        int[] flips = java.util.stream.IntStream.range(0, rank).filter(a -> flip[a]).toArray();
        if (flips.length > 0) {
            y = y.flip(flips);
        }
        NDIndex index = new NDIndex();
        boolean identity = true;
        for (int a = 0; a < rank; a++) {
            index.addSliceDim(min[a], max[a], step[a]);
            identity &= min[a] == 0 && max[a] == x.getShape().get(a) && step[a] == 1;
        }
        return identity ? y : y.get(index);
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    static Kernel gather(NodeSpec node) {
        long axisAttr = node.attributes().getInt("axis", 0);
        return in -> {
            NDArray x = in[0];
            int axis = OpSupport.axis(axisAttr, x.getShape().dimension());
            NDArray idx = in[1];
            if (idx.getDataType() != DataType.INT64) {
                idx = idx.toType(DataType.INT64, false);
            }
            return one(OpSupport.take(x, idx, axis));
        };
    }

    static Kernel shape(NodeSpec node) {
        Long startAttr = node.attributes().has("start") ? node.attributes().getInt("start", 0) : null;
        Long endAttr = node.attributes().has("end") ? node.attributes().getInt("end", 0) : null;
        return in -> {
            long[] s = in[0].getShape().getShape();
            int rank = s.length;
            long start = startAttr == null ? 0 : startAttr < 0 ? startAttr + rank : startAttr;
            long end = endAttr == null ? rank : endAttr < 0 ? endAttr + rank : endAttr;
            start = clamp(start, 0, rank);
            end = clamp(end, start, rank);
            return one(in[0].getManager().create(Arrays.copyOfRange(s, (int) start, (int) end)));
        };
    }

    static Kernel cast(NodeSpec node) {
        DataType to = OpSupport.dataType(node, node.attributes().getInt("to", 1));
        if (to == DataType.BFLOAT16) {
            // DJL's PyTorch engine aborts the process converting to bfloat16
            throw node.unsupported("Cast to bfloat16");
        }
        return in -> one(convert(in[0], to));
    }

    /**
     * Converts like ONNX's Cast. A float16 target rounds to that precision but stays float32, since
     * 16-bit tensors are widened to float32 on load and the graph computes in float32.
     */
    static NDArray convert(NDArray x, DataType to) {
        if (to == DataType.BFLOAT16) {
            throw new IllegalArgumentException("conversion to bfloat16 is not supported");
        }
        if (to == DataType.FLOAT16) {
            return convert(x, DataType.FLOAT32).toType(to, false).toType(DataType.FLOAT32, false);
        }
        if (x.getDataType() == to) {
            return x;
        }
        if (OpSupport.isFloat(x.getDataType()) && !OpSupport.isFloat(to) && to != DataType.BOOLEAN) {
            // C-style conversion truncates toward zero
            return x.trunc().toType(to, false);
        }
        return x.toType(to, false);
    }

    static Kernel depthToSpace(NodeSpec node) {
        long b = node.attributes().getInt("blocksize", 0);
        boolean crd = "CRD".equals(node.attributes().getString("mode", "DCR"));
        return in -> {
            NDArray x = in[0];
            long[] s = x.getShape().getShape();
            long c = s[1] / (b * b);
            NDArray y = crd
                    ? x.reshape(s[0], c, b, b, s[2], s[3]).transpose(0, 1, 4, 2, 5, 3)
                    : x.reshape(s[0], b, b, c, s[2], s[3]).transpose(0, 3, 4, 1, 5, 2);
            return one(y.reshape(s[0], c, s[2] * b, s[3] * b));
        };
    }

    static Kernel spaceToDepth(NodeSpec node) {
        long b = node.attributes().getInt("blocksize", 0);
        return in -> {
            NDArray x = in[0];
            long[] s = x.getShape().getShape();
            NDArray y = x.reshape(s[0], s[1], s[2] / b, b, s[3] / b, b).transpose(0, 3, 5, 1, 2, 4);
            return one(y.reshape(s[0], s[1] * b * b, s[2] / b, s[3] / b));
        };
    }

    static Kernel constantOfShape(NodeSpec node) {
        TensorData value = node.attributes().getTensor("value");
        return in -> {
            NDManager m = in[0].getManager();
            Shape shape = new Shape(longs(in[0]));
            NDArray v = value == null ? m.create(0f) : OpSupport.scalar(OnnxTensors.toNDArray(value, m, null));
            return one(v.broadcast(shape).duplicate());
        };
    }

    static Kernel dropout(NodeSpec node) {
        if (node.opset() < 7 && node.attributes().getInt("is_test", 0) == 0) {
            throw node.unsupported("is_test=0 (training mode)");
        }
        NDArray training = node.opset() >= 12 ? node.constantInput(2) : null;
        if (training != null && training.toType(DataType.BOOLEAN, false).toBooleanArray()[0]) {
            throw node.unsupported("training_mode=true");
        }
        boolean mask = node.outputNames().size() > 1 && !node.outputNames().get(1).isEmpty();
        return in -> {
            if (in.length > 2 && in[2] != null && in[2].toType(DataType.BOOLEAN, false).toBooleanArray()[0]) {
                throw node.unsupported("training_mode=true");
            }
            NDArray x = in[0];
            if (!mask) {
                return one(x);
            }
            return new NDArray[] {x, x.getManager().ones(x.getShape(), DataType.BOOLEAN)};
        };
    }
}
