package dev.loupe.api;

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

    /** Device kinds. */
    public enum Kind {
        /** The host CPU. */
        CPU,
        /** A CUDA GPU. */
        GPU
    }
}
