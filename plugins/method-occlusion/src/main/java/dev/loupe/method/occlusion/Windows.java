package dev.loupe.method.occlusion;

import dev.loupe.api.LoupeException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The positions of a sliding window over one input: per axis a window size, a stride and a shift
 * count ⌈(size − window) / stride⌉ + 1; the last shift may reach past the end and is cut there.
 * Window {@code w} is numbered with the first axis varying fastest (as Captum numbers them).
 */
final class Windows {
    private final long[] itemShape;
    private final int[] window;
    private final int[] stride;
    private final int[] shifts;
    private final int count;

    /** Receives one contiguous run of a window's elements (row-major offsets within one input). */
    @FunctionalInterface
    interface Run {
        void accept(int start, int length);
    }

    private Windows(long[] itemShape, int[] window, int[] stride) {
        this.itemShape = itemShape;
        this.window = window;
        this.stride = stride;
        this.shifts = new int[window.length];
        int c = 1;
        for (int a = 0; a < window.length; a++) {
            long rest = itemShape[a] - window[a];
            shifts[a] = Math.toIntExact((rest + stride[a] - 1) / stride[a] + 1);
            c = Math.multiplyExact(c, shifts[a]);
        }
        this.count = c;
    }

    /**
     * Reads the {@code window} and {@code stride} parameters; axes not named (leading ones) take
     * the whole input with stride = size; no stride means half the window, rounded up.
     *
     * @throws LoupeException for malformed values, windows larger than the input or strides larger
     *     than the window
     */
    static Windows of(long[] itemShape, String windowSpec, String strideSpec) {
        int rank = itemShape.length;
        int[] given = numbers("window", windowSpec);
        if (given.length > rank) {
            throw new LoupeException("window " + windowSpec + " has " + given.length + " axes but the inputs have "
                    + rank + " (" + shape(itemShape) + ")");
        }
        int[] givenStride = strideSpec == null ? halves(given) : numbers("stride", strideSpec);
        if (givenStride.length != 1 && givenStride.length != given.length) {
            throw new LoupeException("stride " + strideSpec + " needs one number or one per window axis ("
                    + given.length + ")");
        }
        int[] window = new int[rank];
        int[] stride = new int[rank];
        int lead = rank - given.length;
        for (int a = 0; a < rank; a++) {
            int size = Math.toIntExact(itemShape[a]);
            if (a < lead) {
                window[a] = size;
                stride[a] = size;
                continue;
            }
            window[a] = given[a - lead];
            stride[a] = givenStride.length == 1 ? givenStride[0] : givenStride[a - lead];
            if (window[a] > size) {
                throw new LoupeException("window " + windowSpec + " is larger than the input (" + shape(itemShape)
                        + ") on axis " + a + ": " + window[a] + " > " + size + "; choose a window no larger than"
                        + " the input");
            }
            if (stride[a] > window[a] && window[a] < size) {
                throw new LoupeException("stride " + stride[a] + " on axis " + a + " is larger than the window ("
                        + window[a] + "): elements between windows would get no score; use a stride of at most "
                        + window[a]);
            }
        }
        return new Windows(itemShape.clone(), window, stride);
    }

    /** @return the number of window positions */
    int count() {
        return count;
    }

    /** Calls {@code run} for every contiguous run of elements of window {@code w}. */
    void forEachRun(int w, Run run) {
        int rank = window.length;
        int[] lo = new int[rank];
        int[] len = new int[rank];
        int rest = w;
        for (int a = 0; a < rank; a++) {
            lo[a] = (rest % shifts[a]) * stride[a];
            rest /= shifts[a];
            len[a] = Math.min(window[a], Math.toIntExact(itemShape[a]) - lo[a]);
        }
        // walk the outer axes of the box; the last axis is one run
        int[] at = new int[rank];
        while (true) {
            int offset = 0;
            for (int a = 0; a < rank; a++) {
                offset = offset * Math.toIntExact(itemShape[a]) + lo[a] + (a == rank - 1 ? 0 : at[a]);
            }
            run.accept(offset, len[rank - 1]);
            int a = rank - 2;
            while (a >= 0 && ++at[a] == len[a]) {
                at[a] = 0;
                a--;
            }
            if (a < 0) {
                return;
            }
        }
    }

    String describeWindow() {
        return Arrays.stream(window).mapToObj(String::valueOf).collect(Collectors.joining(","));
    }

    String describeStride() {
        return Arrays.stream(stride).mapToObj(String::valueOf).collect(Collectors.joining(","));
    }

    private static int[] halves(int[] window) {
        return Arrays.stream(window).map(d -> (d + 1) / 2).toArray();
    }

    private static int[] numbers(String name, String spec) {
        try {
            int[] v = Arrays.stream(spec.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            for (int d : v) {
                if (d < 1) {
                    throw new NumberFormatException();
                }
            }
            return v;
        } catch (NumberFormatException e) {
            throw new LoupeException(name + " must be positive integers separated by commas, e.g. 8,8 or 3,8,8; got '"
                    + spec + "'");
        }
    }

    private static String shape(long[] s) {
        return Arrays.stream(s).mapToObj(String::valueOf).collect(Collectors.joining("×"));
    }
}
