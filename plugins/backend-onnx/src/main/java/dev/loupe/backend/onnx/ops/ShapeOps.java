package dev.loupe.backend.onnx.ops;

import static dev.loupe.backend.onnx.ops.OpSupport.one;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Ops that move or reinterpret data without arithmetic. */
final class ShapeOps {
    private ShapeOps() {
    }

    static void register() {
        OpRegistry.register("Flatten", ShapeOps::flatten);
        OpRegistry.register("Identity", node -> in -> one(in[0]));
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
}
