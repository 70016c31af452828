package dev.loupe.compute;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import dev.loupe.api.DeviceInfo;
import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the machine offers: the CPU with its memory, and every CUDA GPU DJL can see. */
final class Devices {
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    /** Asked once: DJL warns on every failed count where the CUDA driver and runtime do not match. */
    private static volatile Integer gpuCount;

    private Devices() {
    }

    /** @return the CPU first, then the GPUs with their total and free memory */
    static List<DeviceInfo> discover() {
        List<DeviceInfo> found = new ArrayList<>();
        found.add(cpu());
        int gpus = gpuCount();
        for (int i = 0; i < gpus; i++) {
            Device d = Device.gpu(i);
            MemoryUsage m = CudaUtils.getGpuMemory(d);
            long total = m.getMax();
            found.add(new DeviceInfo(d.toString(), DeviceInfo.Kind.GPU, "CUDA GPU " + i + " (compute capability "
                    + CudaUtils.getComputeCapability(i) + ")", total, total - m.getCommitted()));
        }
        return found;
    }

    private static int gpuCount() {
        Integer n = gpuCount;
        if (n == null) {
            n = CudaUtils.hasCuda() ? CudaUtils.getGpuCount() : 0;
            gpuCount = n;
        }
        return n;
    }

    /** @return the CPU; its memory from /proc/meminfo (MemAvailable is what the kernel can hand out now) */
    static DeviceInfo cpu() {
        long total = -1;
        long free = -1;
        try {
            for (String line : Files.readAllLines(MEMINFO)) {
                if (line.startsWith("MemTotal:")) {
                    total = kibibytes(line);
                } else if (line.startsWith("MemAvailable:")) {
                    free = kibibytes(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: memory unknown, batches fall back to the default size
        }
        return new DeviceInfo(Device.cpu().toString(), DeviceInfo.Kind.CPU,
                Runtime.getRuntime().availableProcessors() + " cores", total, free);
    }

    private static long kibibytes(String line) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]) * 1024;
    }
}
