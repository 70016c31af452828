package dev.loupe.platform.cli;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import dev.loupe.api.ComputeService;
import dev.loupe.api.DeviceInfo;
import dev.loupe.api.SerialComputeService;
import dev.loupe.platform.Settings;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code loupe devices}: what the compute service found and the limits it plans with. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List the devices the compute service found (CPU, CUDA GPUs) and its settings.")
public final class DevicesCommand implements Callable<Integer> {
    private final CliContext context;

    @Inject
    DevicesCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        ComputeService compute = context.host().compute();
        boolean fallback = compute instanceof SerialComputeService;
        context.out().println("compute service: " + (fallback
                ? "the built-in serial fallback (CPU, fixed batches): no compute bundle is installed in "
                        + context.home().resolve("bundles")
                : compute.getClass().getSimpleName()));
        for (DeviceInfo d : compute.devices()) {
            context.out().printf(Locale.ROOT, "%-8s %-3s  %s%s%n", d.id(), d.kind(), d.name(), memory(d));
        }
        if (compute.devices().stream().anyMatch(d -> d.kind() == DeviceInfo.Kind.GPU)
                && !Engine.getEngine("PyTorch").hasCapability(StandardCapabilities.CUDA)) {
            context.out().println("note: this libtorch is its CPU build, so models compute on the CPU; put DJL's CUDA "
                    + "build of pytorch-native in the DJL cache to use the GPUs");
        }
        Map<String, String> conf = Settings.read(context.home().resolve("conf/loupe.properties"));
        context.out().println("settings (conf/loupe.properties): " + (conf.isEmpty() ? "defaults" : conf));
        context.out().flush();
        return 0;
    }

    private static String memory(DeviceInfo d) {
        return d.totalMemory() <= 0 ? "" : String.format(Locale.ROOT, ", memory %.1f GiB, %.1f GiB free",
                d.totalMemory() / (double) (1L << 30), d.freeMemory() / (double) (1L << 30));
    }
}
