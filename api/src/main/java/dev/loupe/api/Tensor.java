package dev.loupe.api;

import java.util.Arrays;

/**
 * A dense float32 array with a shape, in row-major order. This is how data crosses bundle
 * boundaries: plain Java memory, never native tensors.
 *
 * @param data the values, row-major; its length is the product of {@code shape}
 * @param shape the dimensions, outermost first (for images: N, C, H, W)
 */
public record Tensor(float[] data, long[] shape) {

    /** Checks that the data length matches the shape. */
    public Tensor {
        if (data == null || shape == null) {
            throw new IllegalArgumentException("tensor data and shape must not be null");
        }
        long size = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + size
                    + " values, got " + data.length);
        }
    }

    /** @return a zero-filled tensor of the given shape */
    public static Tensor zeros(long... shape) {
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        return new Tensor(new float[Math.toIntExact(size)], shape.clone());
    }

    /** @return the number of dimensions */
    public int rank() {
        return shape.length;
    }

    /** @return the size of the first dimension (the batch size for batched tensors) */
    public int batchSize() {
        return rank() == 0 ? 1 : Math.toIntExact(shape[0]);
    }

    /** @return the number of values in one item of the batch */
    public int itemSize() {
        return batchSize() == 0 ? 0 : data.length / batchSize();
    }

    /** @return item {@code i} of the batch, keeping a leading dimension of 1 */
    public Tensor item(int i) {
        int n = itemSize();
        long[] s = shape.clone();
        s[0] = 1;
        return new Tensor(Arrays.copyOfRange(data, i * n, (i + 1) * n), s);
    }

    /** @return a short description such as {@code [8, 3, 64, 64]} */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(data, t.data) && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString();
    }
}
