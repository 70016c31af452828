package dev.loupe.backend.onnx.ops;

import static dev.loupe.backend.onnx.ops.Nodes.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kernels are differentiable through DJL's autograd: for a few ops with tricky forms, the
 * gradient of {@code sum(y · g)} (g fixed and random) from a {@link GradientCollector} agrees with
 * central finite differences in float64, for every input that carries a gradient.
 */
class KernelGradientTest {
    private NDManager manager;
    private final Random random = new Random(42);

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray randn(long... shape) {
        return manager.randomNormal(new Shape(shape)).toType(DataType.FLOAT64, false);
    }

    /**
     * Checks d sum(kernel(inputs)[0] · g) / d inputs[k] for each k in {@code differentiable}, at
     * up to 16 random coordinates each.
     */
    private void check(Kernel kernel, NDArray[] inputs, int... differentiable) {
        NDArray probe = kernel.apply(inputs)[0];
        NDArray g = randn(probe.getShape().getShape());
        NDArray[] grads = new NDArray[inputs.length];
        try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
            for (int k : differentiable) {
                inputs[k].setRequiresGradient(true);
            }
            NDArray y = kernel.apply(inputs)[0];
            gc.backward(y.mul(g).sum());
            for (int k : differentiable) {
                grads[k] = inputs[k].getGradient().duplicate();
            }
        }
        double h = 1e-6;
        for (int k : differentiable) {
            assertNotNull(grads[k], "no gradient for input " + k);
            double[] analytic = grads[k].toDoubleArray();
            double[] base = inputs[k].toDoubleArray();
            Shape shape = inputs[k].getShape();
            for (int trial = 0; trial < Math.min(16, base.length); trial++) {
                int j = random.nextInt(base.length);
                double[] plus = base.clone();
                double[] minus = base.clone();
                plus[j] += h;
                minus[j] -= h;
                double numeric = (objective(kernel, inputs, k, plus, shape, g)
                        - objective(kernel, inputs, k, minus, shape, g)) / (2 * h);
                assertEquals(numeric, analytic[j], 1e-6 + 1e-5 * Math.abs(numeric),
                        "d/d input" + k + "[" + j + "]");
            }
        }
    }

    private double objective(Kernel kernel, NDArray[] inputs, int k, double[] values, Shape shape, NDArray g) {
        NDArray[] in = inputs.clone();
        in[k] = manager.create(values, shape);
        return kernel.apply(in)[0].mul(g).sum().getDouble();
    }

    @Test
    void groupedConvWithAsymmetricPads() {
        Kernel conv = node("Conv", 13).io(3, 1).i("group", 2).ints("pads", 0, 1, 2, 1).ints("strides", 1, 2)
                .ints("dilations", 2, 1).kernel();
        check(conv, new NDArray[] {randn(2, 4, 7, 6), randn(6, 2, 3, 3), randn(6)}, 0, 1, 2);
    }

    @Test
    void convTranspose() {
        Kernel deconv = node("ConvTranspose", 13).io(3, 1).i("group", 2).ints("strides", 2, 3)
                .ints("pads", 1, 0, 0, 1).ints("output_padding", 1, 0).kernel();
        check(deconv, new NDArray[] {randn(1, 4, 3, 4), randn(4, 3, 3, 3), randn(6)}, 0, 1, 2);
    }

    @Test
    void maxPoolWithAsymmetricPadsAndCeilMode() {
        Kernel pool = node("MaxPool", 12).ints("kernel_shape", 3, 2).ints("strides", 2, 2).ints("pads", 1, 0, 0, 1)
                .i("ceil_mode", 1).kernel();
        check(pool, new NDArray[] {randn(2, 3, 7, 6)}, 0);
    }

    @Test
    void averagePoolExcludingPads() {
        Kernel pool = node("AveragePool", 11).ints("kernel_shape", 3, 3).ints("pads", 2, 1, 0, 1).kernel();
        check(pool, new NDArray[] {randn(1, 2, 5, 6)}, 0);
    }

    @Test
    void resizeLinear() {
        Kernel resize = node("Resize", 13).io(3, 1).s("mode", "linear").kernel();
        NDArray scales = manager.create(new float[] {1, 1, 1.5f, 2.25f});
        check(resize, new NDArray[] {randn(1, 2, 4, 5), null, scales}, 0);
    }

    @Test
    void resizeCubicAlignCorners() {
        Kernel resize = node("Resize", 13).io(4, 1).s("mode", "cubic").s("coordinate_transformation_mode",
                "align_corners").kernel();
        NDArray sizes = manager.create(new long[] {1, 2, 7, 3});
        check(resize, new NDArray[] {randn(1, 2, 4, 5), null, null, sizes}, 0);
    }

    @Test
    void softmaxBothOpsetForms() {
        check(node("Softmax", 13).i("axis", 1).kernel(), new NDArray[] {randn(2, 3, 4)}, 0);
        check(node("LogSoftmax", 11).i("axis", 1).kernel(), new NDArray[] {randn(2, 3, 4)}, 0);
    }

    @Test
    void layerNormalization() {
        Kernel ln = node("LayerNormalization", 17).io(3, 1).i("axis", -2).kernel();
        check(ln, new NDArray[] {randn(2, 3, 4, 5), randn(4, 5), randn(4, 5)}, 0, 1, 2);
    }

    @Test
    void gemm() {
        Kernel gemm = node("Gemm", 13).io(3, 1).f("alpha", 0.5f).f("beta", 2f).i("transB", 1).kernel();
        check(gemm, new NDArray[] {randn(3, 4), randn(5, 4), randn(5)}, 0, 1, 2);
        Kernel linear = node("Gemm", 13).io(3, 1).i("transB", 1).kernel();
        check(linear, new NDArray[] {randn(3, 4), randn(5, 4), randn(5)}, 0, 1, 2);
    }

    /**
     * Kernels with numeric constants (HardSigmoid's alpha, Gemm's alpha, Gelu's constants, LRN's
     * powers, the element count a mean, GlobalAveragePool included, divides by) give the same gradient when the garbage collector runs between the forward and the
     * backward pass and the freed memory is reused: the numbers their autograd graph saved live in
     * libtorch's memory, not in a Java buffer that DJL releases at once (the ppocr classifier's
     * HardSigmoids once gave garbage input gradients this way).
     */
    @Test
    void gradientsSurviveTheGarbageCollectorBetweenForwardAndBackward() throws InterruptedException {
        Map<String, Kernel> kernels = new LinkedHashMap<>();
        kernels.put("HardSigmoid", node("HardSigmoid", 6).f("alpha", 0.3f).f("beta", 0.4f).kernel());
        kernels.put("HardSwish", node("HardSwish", 14).kernel());
        kernels.put("Selu", node("Selu", 6).kernel());
        kernels.put("Celu", node("Celu", 12).f("alpha", 1.5f).kernel());
        kernels.put("Gelu", node("Gelu", 20).s("approximate", "tanh").kernel());
        kernels.put("Reciprocal", node("Reciprocal", 13).kernel());
        kernels.put("Atanh", node("Atanh", 9).kernel());
        kernels.put("ReduceMean", node("ReduceMean", 13).ints("axes", 1, 2).kernel());
        kernels.put("GlobalAveragePool", node("GlobalAveragePool", 1).kernel());
        kernels.put("Gemm", node("Gemm", 13).io(3, 1).f("alpha", 0.5f).f("beta", 2f).kernel());
        kernels.put("LRN", node("LRN", 13).i("size", 3).kernel());
        kernels.put("InstanceNormalization", node("InstanceNormalization", 6).io(3, 1).kernel());
        for (Map.Entry<String, Kernel> k : kernels.entrySet()) {
            NDArray[] inputs = switch (k.getKey()) {
                case "Gemm" -> new NDArray[] {randn(3, 4), randn(4, 5), randn(5)};
                case "LRN", "GlobalAveragePool" -> new NDArray[] {randn(1, 4, 3, 3)};
                case "InstanceNormalization" -> new NDArray[] {randn(2, 3, 4, 4), randn(3), randn(3)};
                default -> new NDArray[] {randn(2, 3, 4).mul(0.5)};
            };
            double[] calm = inputGradient(k.getValue(), inputs, false);
            double[] disturbed = inputGradient(k.getValue(), inputs, true);
            assertArrayEquals(calm, disturbed, 1e-12, k.getKey() + ": the gradient changed with a garbage collection");
        }
    }

    private double[] inputGradient(Kernel kernel, NDArray[] inputs, boolean collectGarbage)
            throws InterruptedException {
        NDArray x = inputs[0].duplicate();
        NDArray[] in = inputs.clone();
        in[0] = x;
        try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
            x.setRequiresGradient(true);
            NDArray y = kernel.apply(in)[0];
            List<ByteBuffer> litter = new ArrayList<>();
            if (collectGarbage) {
                for (int round = 0; round < 3; round++) {
                    System.gc();
                    Thread.sleep(20);
                }
                // reuse what was freed: small buffers like the ones DJL wraps numbers in, full of NaN
                for (int i = 0; i < 20_000; i++) {
                    ByteBuffer b = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
                    b.putDouble(0, Double.NaN);
                    litter.add(b);
                }
            }
            gc.backward(y.sum());
            litter.clear();
            return x.getGradient().toDoubleArray();
        }
    }

    @Test
    void batchNormalizationAndSum() {
        Kernel bn = node("BatchNormalization", 15).io(5, 1).kernel();
        NDArray var = randn(3).abs().add(0.5);
        check(bn, new NDArray[] {randn(2, 3, 4, 4), randn(3), randn(3), randn(3), var}, 0, 1, 2);
        check(node("Sum", 13).io(3, 1).kernel(), new NDArray[] {randn(2, 3), randn(3), randn(2, 1)}, 0, 1, 2);
    }
}
