package dev.loupe.platform;

import dev.loupe.api.LoupeException;
import dev.loupe.api.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Which class to explain for each input: the top-1 prediction ({@code auto}), one class for all,
 * or one class per input.
 *
 * @param classes null for auto; otherwise one class for every input, or one per input
 */
public record Target(int[] classes) {

    /** @return the model's top-1 class for each input */
    public static Target auto() {
        return new Target(null);
    }

    /** @return the given classes (one for all inputs, or one per input) */
    public static Target of(int... classes) {
        return new Target(classes.clone());
    }

    /**
     * Parses the CLI form: {@code auto}, an integer, a comma list, or an int64 {@code .npy} file.
     *
     * @param spec the text
     * @return the target
     */
    public static Target parse(String spec) {
        String s = spec.trim();
        if (s.equalsIgnoreCase("auto")) {
            return auto();
        }
        if (s.endsWith(".npy")) {
            try {
                return new Target(Arrays.stream(Npy.readLongs(Path.of(s))).mapToInt(Math::toIntExact).toArray());
            } catch (IOException e) {
                throw new LoupeException("cannot read targets from " + s + ": " + e.getMessage(), e);
            }
        }
        try {
            return new Target(Arrays.stream(s.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray());
        } catch (NumberFormatException e) {
            throw new LoupeException("--target must be auto, a class index, a comma list or an int64 .npy file; got '"
                    + spec + "'");
        }
    }

    /** @return whether the targets come from the prediction */
    public boolean isAuto() {
        return classes == null;
    }

    /**
     * @param batch the number of inputs
     * @param numClasses the number of classes the model scores
     * @return one valid class per input
     */
    public int[] resolve(int batch, int numClasses) {
        int[] out = classes.length == 1 ? filled(batch, classes[0]) : classes.clone();
        if (out.length != batch) {
            throw new LoupeException("got " + classes.length + " targets for " + batch
                    + " inputs; give one target for all inputs or one per input");
        }
        for (int c : out) {
            if (c < 0 || c >= numClasses) {
                throw new LoupeException("target class " + c + " is out of range: the model scores " + numClasses
                        + " classes (0.." + (numClasses - 1) + ")");
            }
        }
        return out;
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    @Override
    public String toString() {
        return isAuto() ? "auto" : Arrays.toString(classes);
    }
}
