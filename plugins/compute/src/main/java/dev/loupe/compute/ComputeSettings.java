package dev.loupe.compute;

import dev.loupe.api.LoupeException;
import java.util.function.UnaryOperator;

/**
 * The compute service's limits, from {@code conf/loupe.properties} (the host hands its
 * {@code loupe.compute.*} entries to the framework).
 *
 * @param maxBatch the largest batch planned, whatever the memory allows
 * @param memoryFraction the share of a device's free memory a batch may take
 * @param defaultBatch the batch planned when a workload's memory per evaluation is unknown
 */
public record ComputeSettings(int maxBatch, double memoryFraction, int defaultBatch) {
    /** The property keys. */
    public static final String MAX_BATCH = "loupe.compute.maxBatch";
    /** The share of free memory. */
    public static final String MEMORY_FRACTION = "loupe.compute.memoryFraction";
    /** The batch for workloads of unknown size. */
    public static final String DEFAULT_BATCH = "loupe.compute.defaultBatch";

    /** Checks the limits. */
    public ComputeSettings {
        if (maxBatch < 1 || defaultBatch < 1) {
            throw new LoupeException(MAX_BATCH + " and " + DEFAULT_BATCH + " must be at least 1; got " + maxBatch
                    + " and " + defaultBatch);
        }
        if (!(memoryFraction > 0 && memoryFraction <= 1)) {
            throw new LoupeException(MEMORY_FRACTION + " must be in (0, 1]; got " + memoryFraction);
        }
    }

    /** @return 256 at most, 60 % of free memory, 32 when the size of an evaluation is unknown */
    public static ComputeSettings defaults() {
        return new ComputeSettings(256, 0.6, 32);
    }

    /**
     * @param property reads a property, null when unset
     * @return the settings, defaults where unset
     * @throws LoupeException naming the property whose value is not a number
     */
    public static ComputeSettings from(UnaryOperator<String> property) {
        ComputeSettings d = defaults();
        return new ComputeSettings(integer(property, MAX_BATCH, d.maxBatch()),
                number(property, MEMORY_FRACTION, d.memoryFraction()), integer(property, DEFAULT_BATCH,
                        d.defaultBatch()));
    }

    private static int integer(UnaryOperator<String> property, String key, int fallback) {
        String v = property.apply(key);
        try {
            return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new LoupeException(key + " must be a whole number; got '" + v + "' (conf/loupe.properties)");
        }
    }

    private static double number(UnaryOperator<String> property, String key, double fallback) {
        String v = property.apply(key);
        try {
            return v == null || v.isBlank() ? fallback : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new LoupeException(key + " must be a number; got '" + v + "' (conf/loupe.properties)");
        }
    }
}
