package dev.loupe.api;

import ai.djl.Device;

/**
 * A device the compute service can run on.
 *
 * @param id the engine's device id, e.g. {@code cpu()} or {@code gpu(0)}
 * @param kind CPU or GPU
 * @param name a description, e.g. the GPU model or {@code 2 cores}
 * @param totalMemory bytes of memory, or -1 when unknown
 * @param freeMemory bytes free now, or -1 when unknown
 */
public record DeviceInfo(String id, Kind kind, String name, long totalMemory, long freeMemory) {

    /**
     * @return the DJL device this id names ({@code gpu(1)} is {@code Device.gpu(1)}); DJL's own
     *     {@code Device.fromName} reads {@code gpu1}, not the {@code gpu(1)} its {@code toString} writes
     */
    public Device djlDevice() {
        String digits = id.replaceAll("[^0-9]", "");
        return kind == Kind.CPU ? Device.cpu() : Device.gpu(digits.isEmpty() ? 0 : Integer.parseInt(digits));
    }

    /** Device kinds. */
    public enum Kind {
        /** The host CPU. */
        CPU,
        /** A CUDA GPU. */
        GPU
    }
}
