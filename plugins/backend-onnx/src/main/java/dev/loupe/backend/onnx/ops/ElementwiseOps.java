package dev.loupe.backend.onnx.ops;

import static dev.loupe.backend.onnx.ops.OpSupport.one;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/** Broadcasting arithmetic, the variadic Sum/Max/Min/Mean and elementwise math functions. */
final class ElementwiseOps {
    private ElementwiseOps() {
    }

    static void register() {
        binary("Add", NDArray::add);
        binary("Sub", NDArray::sub);
        binary("Mul", NDArray::mul);
        binary("Div", ElementwiseOps::div);
        binary("Pow", ElementwiseOps::pow);
        unary("Sqrt", NDArray::sqrt);
        unary("Neg", NDArray::neg);
        unary("Abs", NDArray::abs);
        unary("Exp", NDArray::exp);
        unary("Log", NDArray::log);
        unary("Erf", NDArray::erf);
        unary("Floor", NDArray::floor);
        unary("Ceil", NDArray::ceil);
        unary("Round", NDArray::round);
        unary("Sign", NDArray::sign);
        unary("Sin", NDArray::sin);
        unary("Cos", NDArray::cos);
        unary("Reciprocal", x -> OpSupport.pow(x, -1));
        unary("Tan", NDArray::tan);
        unary("Asin", NDArray::asin);
        unary("Acos", NDArray::acos);
        unary("Atan", NDArray::atan);
        unary("Sinh", NDArray::sinh);
        unary("Cosh", NDArray::cosh);
        // DJL's PyTorch engine lacks the inverse hyperbolic functions
        unary("Asinh", x -> x.add(x.square().add(1f).sqrt()).log());
        unary("Acosh", x -> x.add(x.square().sub(1f).sqrt()).log());
        unary("Atanh", x -> OpSupport.mul(x.add(1f).div(x.neg().add(1f)).log(), 0.5));
        unary("IsNaN", NDArray::isNaN);
        OpRegistry.register("IsInf", node -> {
            boolean negative = node.attributes().getInt("detect_negative", 1) != 0;
            boolean positive = node.attributes().getInt("detect_positive", 1) != 0;
            return in -> {
                NDArray x = in[0];
                NDArray inf = x.isInfinite();
                if (!negative) {
                    inf = inf.logicalAnd(x.gt(0));
                }
                if (!positive) {
                    inf = inf.logicalAnd(x.lt(0));
                }
                return one(inf);
            };
        });
        OpRegistry.register("Mod", node -> {
            boolean fmod = node.attributes().getInt("fmod", 0) != 0;
            return in -> one(fmod ? fmod(in[0], in[1]) : in[0].mod(in[1]));
        });
        variadic("Sum", NDArray::add);
        variadic("Max", NDArray::maximum);
        variadic("Min", NDArray::minimum);
        OpRegistry.register("Mean", node -> in -> {
            NDArray[] sum = fold(in, NDArray::add);
            int n = 0;
            for (NDArray a : in) {
                n += a == null ? 0 : 1;
            }
            return one(n == 1 ? sum[0] : OpSupport.div(sum[0], n));
        });
    }

    private static void unary(String op, UnaryOperator<NDArray> f) {
        OpRegistry.register(op, node -> {
            checkLegacyBroadcast(node);
            return in -> one(f.apply(in[0]));
        });
    }

    private static void binary(String op, BinaryOperator<NDArray> f) {
        OpRegistry.register(op, node -> {
            checkLegacyBroadcast(node);
            return in -> one(f.apply(in[0], in[1]));
        });
    }

    private static void variadic(String op, BinaryOperator<NDArray> f) {
        OpRegistry.register(op, node -> in -> fold(in, f));
    }

    private static NDArray[] fold(NDArray[] in, BinaryOperator<NDArray> f) {
        NDArray acc = null;
        for (NDArray a : in) {
            if (a != null) {
                acc = acc == null ? a : f.apply(acc, a);
            }
        }
        return one(acc);
    }

    /** Opsets before 7 broadcast only with broadcast=1 and an axis; numpy broadcasting covers axis-less use. */
    private static void checkLegacyBroadcast(NodeSpec node) {
        if (node.opset() < 7 && node.attributes().has("axis")) {
            throw node.unsupported("legacy broadcasting with an axis attribute");
        }
    }

    /** Division; integer division truncates toward zero, as ONNX (and C) define it. */
    static NDArray div(NDArray a, NDArray b) {
        DataType t = a.getDataType();
        if (OpSupport.isFloat(t) || t == DataType.BOOLEAN) {
            return a.div(b);
        }
        return a.toType(DataType.FLOAT64, false).div(b.toType(DataType.FLOAT64, false)).trunc().toType(t, false);
    }

    /** C's fmod: the remainder has the dividend's sign. */
    static NDArray fmod(NDArray a, NDArray b) {
        DataType t = a.getDataType();
        if (OpSupport.isFloat(t)) {
            return a.sub(a.div(b).trunc().mul(b));
        }
        NDArray q = a.toType(DataType.FLOAT64, false).div(b.toType(DataType.FLOAT64, false)).trunc().toType(t, false);
        return a.sub(q.mul(b));
    }

    /** Power with the base's type, whatever the exponent's. */
    static NDArray pow(NDArray a, NDArray b) {
        DataType t = a.getDataType();
        NDArray y = a.pow(b);
        return y.getDataType() == t ? y : y.toType(t, false);
    }
}
