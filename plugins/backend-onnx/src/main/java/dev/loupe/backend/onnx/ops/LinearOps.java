package dev.loupe.backend.onnx.ops;

import static dev.loupe.backend.onnx.ops.OpSupport.one;

import ai.djl.ndarray.NDArray;

/** Gemm and MatMul. */
final class LinearOps {
    private LinearOps() {
    }

    static void register() {
        OpRegistry.register("Gemm", LinearOps::gemm);
        OpRegistry.register("MatMul", node -> in -> one(matMul(in[0], in[1])));
    }

    /** numpy.matmul, 1-D operands included. */
    static NDArray matMul(NDArray a, NDArray b) {
        return a.matMul(b);
    }

    static Kernel gemm(NodeSpec node) {
        Attributes at = node.attributes();
        float alpha = at.getFloat("alpha", 1f);
        float beta = at.getFloat("beta", 1f);
        boolean transA = at.getInt("transA", 0) != 0;
        boolean transB = at.getInt("transB", 0) != 0;
        return in -> {
            NDArray a = in[0];
            NDArray b = in[1];
            NDArray c = in.length > 2 ? in[2] : null;
            if (transA) {
                a = a.transpose();
            }
            long n = transB ? b.getShape().get(0) : b.getShape().get(1);
            boolean cIsBias = c == null || c.getShape().dimension() == 1 && c.getShape().get(0) == n;
            if (alpha == 1f && beta == 1f && cIsBias && OpSupport.isFloat(a.getDataType())) {
                // torch.nn.functional.linear: y = a w^T + bias
                NDArray w = transB ? b : b.transpose();
                return one(a.getNDArrayInternal().linear(a, w, c).singletonOrThrow());
            }
            NDArray y = a.matMul(transB ? b.transpose() : b);
            if (alpha != 1f) {
                y = OpSupport.mul(y, alpha);
            }
            if (c != null && beta != 0f) {
                y = y.add(beta == 1f ? c : OpSupport.mul(c, beta));
            }
            return one(y);
        };
    }
}
