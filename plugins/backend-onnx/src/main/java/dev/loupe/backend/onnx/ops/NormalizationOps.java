package dev.loupe.backend.onnx.ops;

import static dev.loupe.backend.onnx.ops.OpSupport.one;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** BatchNormalization (inference), InstanceNormalization, LayerNormalization, as explicit arithmetic. */
final class NormalizationOps {
    private NormalizationOps() {
    }

    static void register() {
        OpRegistry.register("BatchNormalization", NormalizationOps::batchNorm);
        OpRegistry.register("InstanceNormalization", NormalizationOps::instanceNorm);
        OpRegistry.register("LayerNormalization", NormalizationOps::layerNorm);
        OpRegistry.register("MeanVarianceNormalization", NormalizationOps::meanVarianceNorm);
        OpRegistry.register("LRN", NormalizationOps::lrn);
    }

    /** @return a per-channel vector shaped [C, 1, ..., 1] to broadcast against an [N, C, ...] array */
    static NDArray perChannel(NDArray v, int rank) {
        if (v.getShape().dimension() != 1) {
            return v;
        }
        long[] s = OpSupport.filled(rank - 1, 1);
        s[0] = v.getShape().get(0);
        return v.reshape(new Shape(s));
    }

    static Kernel batchNorm(NodeSpec node) {
        float eps = node.attributes().getFloat("epsilon", 1e-5f);
        if (node.attributes().getInt("training_mode", 0) != 0) {
            throw node.unsupported("training_mode=1");
        }
        if (node.opset() < 9 && node.attributes().getInt("spatial", 1) == 0) {
            throw node.unsupported("spatial=0");
        }
        for (int i = 1; i < node.outputNames().size(); i++) {
            if (!node.outputNames().get(i).isEmpty()) {
                throw node.unsupported("training outputs (running mean and variance)");
            }
        }
        return in -> {
            NDArray x = in[0];
            int rank = x.getShape().dimension();
            NDArray scale = perChannel(in[1], rank);
            NDArray bias = perChannel(in[2], rank);
            NDArray mean = perChannel(in[3], rank);
            NDArray var = perChannel(in[4], rank);
            NDArray factor = scale.div(var.add(eps).sqrt());
            return one(x.sub(mean).mul(factor).add(bias));
        };
    }

    static Kernel instanceNorm(NodeSpec node) {
        float eps = node.attributes().getFloat("epsilon", 1e-5f);
        return in -> {
            NDArray x = in[0];
            int rank = x.getShape().dimension();
            int[] axes = OpSupport.spatialAxes(x);
            NDArray mean = OpSupport.mean(x, axes, true);
            NDArray centred = x.sub(mean);
            NDArray var = OpSupport.mean(centred.square(), axes, true);
            NDArray y = centred.div(var.add(eps).sqrt());
            return one(y.mul(perChannel(in[1], rank)).add(perChannel(in[2], rank)));
        };
    }

    static Kernel meanVarianceNorm(NodeSpec node) {
        long[] axesAttr = node.attributes().getInts("axes", new long[] {0, 2, 3});
        return in -> {
            NDArray x = in[0];
            int[] axes = OpSupport.axes(axesAttr, x.getShape().dimension());
            NDArray mean = OpSupport.mean(x, axes, true);
            NDArray var = OpSupport.mean(x.square(), axes, true).sub(mean.square());
            return one(x.sub(mean).div(var.sqrt().add(1e-9f)));
        };
    }

    /** Local response normalisation across channels, its window sums by an average pool over (C, H·W). */
    static Kernel lrn(NodeSpec node) {
        long size = node.attributes().getInt("size", 0);
        if (size < 1) {
            throw node.unsupported("size=" + size);
        }
        float alpha = node.attributes().getFloat("alpha", 1e-4f);
        float beta = node.attributes().getFloat("beta", 0.75f);
        float bias = node.attributes().getFloat("bias", 1f);
        return in -> {
            NDArray x = in[0];
            Shape s = x.getShape();
            long n = s.get(0);
            long c = s.get(1);
            long rest = s.size() / (n * c);
            NDArray sq = x.square().reshape(n, 1, c, rest);
            sq = OpSupport.padTrailing(sq, new long[] {(size - 1) / 2, 0, size - 1 - (size - 1) / 2, 0}, 0);
            NDArray sum = sq.getNDArrayInternal().avgPool(new Shape(size, 1), new Shape(1, 1), new Shape(0, 0), false,
                    true);
            sum = OpSupport.mul(sum, size).reshape(s);
            return one(x.div(OpSupport.pow(OpSupport.mul(sum, alpha / size).add(bias), beta)));
        };
    }

    static Kernel layerNorm(NodeSpec node) {
        long axisAttr = node.attributes().getInt("axis", -1);
        float eps = node.attributes().getFloat("epsilon", 1e-5f);
        long stash = node.attributes().getInt("stash_type", 1);
        if (stash != 1) {
            throw node.unsupported("stash_type=" + stash);
        }
        boolean wantsStats = false;
        for (int i = 1; i < node.outputNames().size(); i++) {
            wantsStats |= !node.outputNames().get(i).isEmpty();
        }
        boolean stats = wantsStats;
        return in -> {
            NDArray x = in[0];
            int rank = x.getShape().dimension();
            int axis = OpSupport.axis(axisAttr, rank);
            int[] axes = new int[rank - axis];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = axis + i;
            }
            NDArray mean = OpSupport.mean(x, axes, true);
            NDArray centred = x.sub(mean);
            NDArray var = OpSupport.mean(centred.square(), axes, true);
            NDArray invStd = OpSupport.pow(var.add(eps), -0.5);
            NDArray y = centred.mul(invStd).mul(in[1]);
            if (in.length > 2 && in[2] != null) {
                y = y.add(in[2]);
            }
            return stats ? new NDArray[] {y, mean, invStd} : one(y);
        };
    }
}
