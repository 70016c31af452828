package dev.loupe.backend.onnx.ops;

import static dev.loupe.backend.onnx.ops.OpSupport.one;

import ai.djl.ndarray.NDArray;
import java.util.function.BinaryOperator;

/** Comparisons, boolean logic and Where. */
final class LogicOps {
    private LogicOps() {
    }

    static void register() {
        binary("Equal", NDArray::eq);
        binary("Greater", NDArray::gt);
        binary("Less", NDArray::lt);
        binary("GreaterOrEqual", NDArray::gte);
        binary("LessOrEqual", NDArray::lte);
        binary("And", NDArray::logicalAnd);
        binary("Or", NDArray::logicalOr);
        binary("Xor", NDArray::logicalXor);
        OpRegistry.register("Not", node -> in -> one(in[0].logicalNot()));
        OpRegistry.register("Where", node -> in -> one(OpSupport.where(in[0], in[1], in[2])));
    }

    private static void binary(String op, BinaryOperator<NDArray> f) {
        OpRegistry.register(op, node -> in -> one(f.apply(in[0], in[1])));
    }
}
