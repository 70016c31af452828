package dev.loupe.backend.onnx.ops;

import static dev.loupe.backend.onnx.ops.OpSupport.one;
import static dev.loupe.backend.onnx.ops.OpSupport.spatial;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.loupe.backend.onnx.ops.OpSupport.AutoPad;
import java.util.Arrays;

/** Conv and ConvTranspose, both as libtorch convolutions (ConvTranspose by zero insertion). */
final class ConvOps {
    private ConvOps() {
    }

    static void register() {
        OpRegistry.register("Conv", ConvOps::conv);
        OpRegistry.register("ConvTranspose", ConvOps::convTranspose);
    }

    /** The window attributes of a Conv-like node. */
    private record Window(AutoPad autoPad, long[] kernel, long[] strides, long[] dilations, long[] pads, int group) {
        static Window of(NodeSpec node) {
            Attributes a = node.attributes();
            // the rank is known at load time from kernel_shape or a constant weight
            long[] k = a.getInts("kernel_shape", null);
            NDArray w = node.constantInput(1);
            int n = k != null && k.length > 0 ? k.length : w != null ? w.getShape().dimension() - 2 : 2;
            if (n < 1 || n > 3) {
                throw node.unsupported("a " + n + "-D convolution");
            }
            return new Window(AutoPad.of(node), a.getInts("kernel_shape", null), a.getInts("strides", null),
                    a.getInts("dilations", null), a.getInts("pads", null), Math.toIntExact(a.getInt("group", 1)));
        }

        long[] kernel(NDArray w) {
            return kernel != null && kernel.length > 0 ? kernel : spatial(w.getShape());
        }

        long[] strides(int n) {
            return strides != null && strides.length > 0 ? strides : OpSupport.filled(n, 1);
        }

        long[] dilations(int n) {
            return dilations != null && dilations.length > 0 ? dilations : OpSupport.filled(n, 1);
        }
    }

    private static void checkRank(NodeSpec node, NDArray x) {
        int n = x.getShape().dimension() - 2;
        if (n < 1 || n > 3) {
            throw node.unsupported("a " + n + "-D convolution (input shape " + x.getShape() + ")");
        }
    }

    static Kernel conv(NodeSpec node) {
        Window win = Window.of(node);
        return in -> {
            NDArray x = in[0];
            NDArray w = in[1];
            NDArray b = in.length > 2 ? in[2] : null;
            checkRank(node, x);
            int n = x.getShape().dimension() - 2;
            long[] k = win.kernel(w);
            long[] s = win.strides(n);
            long[] d = win.dilations(n);
            long[] pads = OpSupport.windowPads(win.autoPad(), win.pads(), spatial(x.getShape()), k, s, d);
            long[] torchPads = Arrays.copyOf(pads, n);
            if (!OpSupport.symmetric(pads)) {
                x = OpSupport.padTrailing(x, pads, 0);
                torchPads = new long[n];
            }
            return one(x.getNDArrayInternal()
                    .convolution(x, w, b, new Shape(s), new Shape(torchPads), new Shape(d), win.group())
                    .singletonOrThrow());
        };
    }

    static Kernel convTranspose(NodeSpec node) {
        Window win = Window.of(node);
        long[] outputPadding = node.attributes().getInts("output_padding", null);
        long[] outputShape = node.attributes().getInts("output_shape", null);
        return in -> {
            NDArray x = in[0];
            NDArray w = in[1];
            NDArray b = in.length > 2 ? in[2] : null;
            checkRank(node, x);
            int n = x.getShape().dimension() - 2;
            long[] size = spatial(x.getShape());
            long[] k = win.kernel(w);
            long[] s = win.strides(n);
            long[] d = win.dilations(n);
            long[] op = outputPadding != null && outputPadding.length > 0 ? outputPadding : new long[n];
            long[] pads = new long[2 * n];
            boolean sameOrShape = outputShape != null && outputShape.length > 0
                    || win.autoPad() == AutoPad.SAME_UPPER || win.autoPad() == AutoPad.SAME_LOWER;
            if (sameOrShape) {
                for (int i = 0; i < n; i++) {
                    long target = outputShape != null && outputShape.length > 0
                            ? outputShape[outputShape.length - n + i] : size[i] * s[i];
                    long total = s[i] * (size[i] - 1) + op[i] + (k[i] - 1) * d[i] + 1 - target;
                    // floor division, as ONNX's reference: a negative total (a larger output_shape)
                    // extends the output at the end without NOTSET/SAME_LOWER, at the start with SAME_UPPER
                    long half = Math.floorDiv(total, 2);
                    if (win.autoPad() == AutoPad.SAME_UPPER) {
                        pads[i] = half;
                        pads[i + n] = total - half;
                    } else {
                        pads[i] = total - half;
                        pads[i + n] = half;
                    }
                }
            } else if (win.autoPad() == AutoPad.NOTSET && win.pads() != null) {
                pads = win.pads().clone();
            }
            // 1. insert (stride - 1) zeros after every input element along each spatial axis
            NDArray u = x;
            long[] uShape = u.getShape().getShape().clone();
            for (int i = 0; i < n; i++) {
                if (s[i] == 1) {
                    continue;
                }
                int axis = 2 + i;
                NDArray e = u.expandDims(axis + 1);
                long[] p = new long[2 * e.getShape().dimension()];
                p[e.getShape().dimension() + axis + 1] = s[i] - 1;
                e = OpSupport.padTrailing(e, p, 0);
                uShape[axis] = size[i] * s[i];
                u = e.reshape(new Shape(uShape));
            }
            // 2. pad (or crop) so that a plain convolution yields the transposed one, pads and
            //    output_padding included; the trailing (stride - 1) zeros of step 1 are cropped here
            long[] p = new long[2 * n];
            for (int i = 0; i < n; i++) {
                long full = (k[i] - 1) * d[i];
                p[i] = full - pads[i];
                p[i + n] = full - pads[i + n] + op[i] - (s[i] - 1);
            }
            u = OpSupport.padTrailing(u, p, 0);
            // 3. the weight [C_in, C_out/g, k...] becomes a flipped convolution weight [C_out, C_in/g, k...]
            int g = win.group();
            long[] ws = w.getShape().getShape();
            long cin = ws[0];
            long coutPerGroup = ws[1];
            long[] grouped = new long[ws.length + 1];
            grouped[0] = g;
            grouped[1] = cin / g;
            grouped[2] = coutPerGroup;
            System.arraycopy(ws, 2, grouped, 3, n);
            long[] convShape = ws.clone();
            convShape[0] = coutPerGroup * g;
            convShape[1] = cin / g;
            int[] flip = new int[n];
            for (int i = 0; i < n; i++) {
                flip[i] = 2 + i;
            }
            NDArray cw = w.reshape(new Shape(grouped)).swapAxes(1, 2).reshape(new Shape(convShape)).flip(flip);
            return one(u.getNDArrayInternal()
                    .convolution(u, cw, b, new Shape(OpSupport.filled(n, 1)), new Shape(new long[n]), new Shape(d), g)
                    .singletonOrThrow());
        };
    }
}
