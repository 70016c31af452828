package dev.loupe.distribution;

import dev.loupe.platform.LoupeHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Start-up benchmark of the embedding API, not a test: times {@code LoupeHost} start +
 * {@code methods()} + {@code close()} on an empty home, several times in one JVM. The first run
 * pays for class loading and the cold JIT; the warm runs show what the framework itself costs.
 * bench/startup.sh runs it; alone, from distribution/ after a build:
 * {@code java -cp "target/loupe/lib/*:target/test-classes" dev.loupe.distribution.HostStartupBenchmark [runs]}
 */
public final class HostStartupBenchmark {
    private HostStartupBenchmark() {
    }

    /** @param args the number of runs (default 10) */
    public static void main(String[] args) throws IOException {
        // the CLI's quiet logging, before any logger exists (logback's default would print DEBUG)
        System.setProperty("logback.configurationFile", "loupe-cli-logback.xml");
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path home = Files.createTempDirectory("loupe-bench");
        try {
            double[] ms = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                try (LoupeHost host = LoupeHost.builder().home(home).start()) {
                    host.methods();
                }
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            System.out.printf("first run: %.0f ms%n", ms[0]);
            if (runs > 1) {
                double[] warm = Arrays.copyOfRange(ms, 1, runs);
                System.out.printf("warm runs: mean %.0f ms, min %.0f ms (%d runs)%n",
                        Arrays.stream(warm).average().orElse(0), Arrays.stream(warm).min().orElse(0), warm.length);
            }
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
