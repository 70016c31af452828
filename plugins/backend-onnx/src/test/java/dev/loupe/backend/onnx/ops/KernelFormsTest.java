package dev.loupe.backend.onnx.ops;

import static dev.loupe.backend.onnx.ops.Nodes.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Forms the ONNX node tests do not cover (their models use recent opsets): attribute forms of
 * older opsets, Softmax's opset-dependent axis semantics, and load-time refusals.
 */
class KernelFormsTest {
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray arange(long... shape) {
        return manager.arange(0f, new Shape(shape).size()).reshape(new Shape(shape)).div(7f);
    }

    private static void assertClose(NDArray expected, NDArray actual) {
        assertEquals(expected.getShape(), actual.getShape());
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 1e-6, "element " + i);
        }
    }

    @Test
    void softmaxBefore13CoercesTo2dAt13UsesOneAxis() {
        NDArray x = arange(2, 3, 4);
        NDArray coerced = node("Softmax", 11).i("axis", 1).apply(x);
        assertClose(x.reshape(2, 12).softmax(1).reshape(2, 3, 4), coerced);
        NDArray single = node("Softmax", 13).i("axis", 1).apply(x);
        assertClose(x.softmax(1), single);
        // defaults: axis 1 (coerced) before 13, -1 from 13
        assertClose(x.reshape(2, 12).logSoftmax(1).reshape(2, 3, 4), node("LogSoftmax", 9).apply(x));
        assertClose(x.logSoftmax(2), node("LogSoftmax", 13).apply(x));
    }

    @Test
    void legacyAttributeForms() {
        NDArray x = arange(1, 3, 1, 4).sub(0.8f);
        assertClose(x.clip(0f, 0.5f), node("Clip", 9).f("min", 0f).f("max", 0.5f).apply(x));
        assertClose(x.clip(Float.NEGATIVE_INFINITY, 0.5f), node("Clip", 9).f("max", 0.5f).apply(x));
        assertEquals(new Shape(3, 4), node("Squeeze", 11).ints("axes", 0, -2).apply(x).getShape());
        assertEquals(new Shape(1, 3, 1, 1, 4, 1), node("Unsqueeze", 11).ints("axes", 3, -1).apply(x).getShape());
        NDArray sliced = node("Slice", 9).ints("starts", 1, -3).ints("ends", 100, -1).ints("axes", 1, 3).apply(x);
        assertClose(x.get(":, 1:, :, 1:3"), sliced);
        NDArray up = node("Upsample", 7).s("mode", "nearest").floats("scales", 1, 1, 2, 2).apply(x);
        assertClose(x.repeat(2, 2).repeat(3, 2), up);
        NDArray resized = node("Resize", 10).io(2, 1).apply(x, manager.create(new float[] {1, 1, 3, 0.5f}));
        assertClose(x.repeat(2, 3).get(":, :, :, ::2"), resized);
    }

    @Test
    void reduceAndSplitForms() {
        NDArray x = arange(2, 3, 4);
        assertClose(x.sum(new int[] {0, 2}, true).div(8f), node("ReduceMean", 13).ints("axes", 0, -1).apply(x));
        assertClose(x.sum(new int[] {1}), node("ReduceSum", 13).io(2, 1).i("keepdims", 0)
                .apply(x, manager.create(new long[] {1})));
        assertClose(x, node("ReduceSum", 13).io(2, 1).i("noop_with_empty_axes", 1)
                .apply(x, manager.create(new long[0])));
        NDArray[] parts = node("Split", 11).io(1, 2).i("axis", 2).ints("split", 1, 3).kernel().apply(new NDArray[] {x});
        assertEquals(new Shape(2, 3, 1), parts[0].getShape());
        assertEquals(new Shape(2, 3, 3), parts[1].getShape());
        NDArray[] uneven = node("Split", 18).io(1, 3).i("axis", 2).i("num_outputs", 3).kernel()
                .apply(new NDArray[] {x});
        assertArrayEquals(new long[] {2, 2, 0}, new long[] {uneven[0].getShape().get(2), uneven[1].getShape().get(2),
            uneven[2].getShape().get(2)});
    }

    /**
     * ConvTranspose is the adjoint of Conv with the same weight, group, strides, dilations and
     * pads: {@code <convT(x), y> = <x, conv(y)>}. The node tests have no grouped ConvTranspose.
     */
    @Test
    void convTransposeIsTheAdjointOfConv() {
        long[] strides = {2, 3};
        long[] dilations = {2, 1};
        long[] pads = {1, 0, 0, 2};
        long[] k = {3, 2};
        long[] size = {9, 11};
        NDArray w = manager.randomNormal(new Shape(6, 2, k[0], k[1]));
        NDArray y = manager.randomNormal(new Shape(2, 4, size[0], size[1]));
        NDArray conv = node("Conv", 13).io(2, 1).i("group", 2).ints("strides", strides).ints("dilations", dilations)
                .ints("pads", pads).apply(y, w);
        long[] outputPadding = new long[2];
        for (int i = 0; i < 2; i++) {
            long out = strides[i] * (conv.getShape().get(2 + i) - 1) + dilations[i] * (k[i] - 1) + 1 - pads[i]
                    - pads[i + 2];
            outputPadding[i] = size[i] - out;
            assertTrue(outputPadding[i] >= 0 && outputPadding[i] < Math.max(strides[i], dilations[i]));
        }
        NDArray x = manager.randomNormal(conv.getShape());
        NDArray transposed = node("ConvTranspose", 13).io(2, 1).i("group", 2).ints("strides", strides)
                .ints("dilations", dilations).ints("pads", pads).ints("output_padding", outputPadding).apply(x, w);
        assertEquals(y.getShape(), transposed.getShape());
        float left = transposed.mul(y).sum().getFloat();
        float right = x.mul(conv).sum().getFloat();
        assertEquals(right, left, 1e-4 * Math.max(1, Math.abs(right)));
    }

    @Test
    void unsupportedFormsFailAtLoadNamingOpNodeAndOpset() {
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class,
                () -> node("MaxPool", 12).io(1, 2).ints("kernel_shape", 2, 2).kernel());
        assertTrue(e.getMessage().contains("MaxPool node 'maxpool_test' (opset 12)"), e.getMessage());
        assertTrue(e.getMessage().contains("Indices"), e.getMessage());
        assertThrows(UnsupportedOpException.class, () -> node("Resize", 13).s("mode", "area").kernel());
        assertThrows(UnsupportedOpException.class, () -> node("Conv", 13).s("auto_pad", "SAME_MIDDLE").kernel());
        assertThrows(UnsupportedOpException.class,
                () -> node("BatchNormalization", 15).io(5, 1).i("training_mode", 1).kernel());
        assertThrows(UnsupportedOpException.class, () -> node("NoSuchOp", 13).kernel());
        assertThrows(UnsupportedOpException.class,
                () -> node("Conv", 13).io(2, 1).ints("kernel_shape", 1, 1, 1, 1).kernel());
        assertThrows(UnsupportedOpException.class, () -> node("Cast", 13).i("to", 16).kernel());
    }
}
