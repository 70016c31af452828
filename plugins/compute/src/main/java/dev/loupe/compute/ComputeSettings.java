package dev.loupe.compute;

import dev.loupe.api.DeviceInfo;
import dev.loupe.api.LoupeException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The compute service's limits, from {@code conf/loupe.properties} (the host hands its
 * {@code loupe.compute.*} entries to the framework).
 *
 * @param maxBatch the largest batch planned, whatever the memory allows
 * @param memoryFraction the share of a device's free memory a batch may take
 * @param defaultBatch the batch planned when a workload's memory per evaluation is unknown
 * @param devices where to compute: {@code auto} (every GPU a model runs on, else the CPU),
 *     {@code cpu}, or device ids such as {@code gpu(0),gpu(1)}
 */
public record ComputeSettings(int maxBatch, double memoryFraction, int defaultBatch, String devices) {
    /** The property keys. */
    public static final String MAX_BATCH = "loupe.compute.maxBatch";
    /** The share of free memory. */
    public static final String MEMORY_FRACTION = "loupe.compute.memoryFraction";
    /** The batch for workloads of unknown size. */
    public static final String DEFAULT_BATCH = "loupe.compute.defaultBatch";
    /** Where to compute. */
    public static final String DEVICES = "loupe.compute.devices";
    /** Every GPU a model runs on, else the CPU. */
    public static final String AUTO = "auto";

    /** Checks the limits. */
    public ComputeSettings {
        if (maxBatch < 1 || defaultBatch < 1) {
            throw new LoupeException(MAX_BATCH + " and " + DEFAULT_BATCH + " must be at least 1; got " + maxBatch
                    + " and " + defaultBatch);
        }
        if (!(memoryFraction > 0 && memoryFraction <= 1)) {
            throw new LoupeException(MEMORY_FRACTION + " must be in (0, 1]; got " + memoryFraction);
        }
        devices = devices == null || devices.isBlank() ? AUTO : devices.trim().replace(" ", "");
    }

    /** Settings that compute where {@code auto} chooses. */
    public ComputeSettings(int maxBatch, double memoryFraction, int defaultBatch) {
        this(maxBatch, memoryFraction, defaultBatch, AUTO);
    }

    /**
     * @param found the devices on this machine, CPU first
     * @return the ones these settings allow, in the order found
     * @throws LoupeException if an id names no device found (the message lists them)
     */
    public List<DeviceInfo> allowed(List<DeviceInfo> found) {
        if (devices.equals(AUTO)) {
            return found;
        }
        List<String> ids = Arrays.asList(devices.split(","));
        Set<String> wanted = new LinkedHashSet<>();
        ids.forEach(id -> wanted.add(plain(id)));
        List<String> known = found.stream().map(DeviceInfo::id).toList();
        List<String> unknown = ids.stream().filter(id -> known.stream().noneMatch(k -> plain(k).equals(plain(id))))
                .toList();
        if (!unknown.isEmpty()) {
            throw new LoupeException(DEVICES + " names " + unknown + ", which this machine does not have; it has "
                    + known + " (or use auto)");
        }
        return found.stream().filter(d -> wanted.contains(plain(d.id()))).toList();
    }

    /** {@code gpu(1)}, {@code gpu1} and {@code GPU1} are one device, as are {@code cpu()} and {@code cpu}. */
    private static String plain(String id) {
        return id.replaceAll("[()]", "").toLowerCase(java.util.Locale.ROOT);
    }

    /** @return 256 at most, 60 % of free memory, 32 when the size of an evaluation is unknown, auto devices */
    public static ComputeSettings defaults() {
        return new ComputeSettings(256, 0.6, 32, AUTO);
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
                        d.defaultBatch()), property.apply(DEVICES));
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
