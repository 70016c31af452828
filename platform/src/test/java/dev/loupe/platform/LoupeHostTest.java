package dev.loupe.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.Npy;
import dev.loupe.api.Tensor;
import dev.loupe.platform.host.PluginInfo;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

/** The embedding API on the real framework with real plugin bundles built from test classes. */
@Timeout(120)
class LoupeHostTest {
    private static Path gradientJar;
    private static Path linearJar;
    private static Path unresolvableJar;
    private static Path corruptJar;

    @TempDir
    Path home;

    @BeforeAll
    static void buildBundles(@TempDir Path jars) throws Exception {
        gradientJar = TestBundles.gradientMethod(jars);
        linearJar = TestBundles.linearBackend(jars);
        unresolvableJar = TestBundles.unresolvable(jars);
        corruptJar = TestBundles.corrupt(jars);
    }

    private LoupeHost start() {
        return LoupeHost.builder().home(home).pollInterval(Duration.ofMillis(100)).startTimeout(Duration.ofSeconds(15))
                .start();
    }

    private static List<String> methodIds(LoupeHost host) {
        return host.methods().stream().map(MethodDescriptor::id).toList();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** W [3, 4]: the gradient of logit c with respect to x is row c of W. */
    private Path linearModel() throws Exception {
        Path model = home.resolve("toy.linear.npy");
        Npy.write(model, new Tensor(new float[] {1, 2, 3, 4, -1, 0, 1, 0, 0.5f, 0.5f, -2, 3}, new long[] {3, 4}));
        return model;
    }

    @Test
    void installExplainUninstallThroughTheEmbeddingApi() throws Exception {
        try (LoupeHost host = start()) {
            assertTrue(host.methods().isEmpty());
            PluginInfo backend = host.install(linearJar);
            assertEquals(PluginInfo.State.ACTIVE, backend.state());
            assertEquals(List.of("linear"), backend.provides());
            host.install(gradientJar);
            assertEquals(List.of("test-gradient"), methodIds(host));
            assertEquals("linear", host.backends().get(0).id());

            Tensor x = new Tensor(new float[] {1, 1, 1, 1, 0, 1, 0, 1}, new long[] {2, 1, 2, 2});
            try (ExplainableModel model = host.loadModel(linearModel())) {
                Prediction p = host.predict(model, x);
                assertArrayEquals(new float[] {10, 0, 2, 6, 0, 3.5f}, p.scores().data(), 1e-5f);
                assertArrayEquals(new int[] {0, 0}, p.top1());
                // autograd inside the method bundle, through the backend bundle, on the launcher's DJL
                Attribution a = host.explain(model, x, ExplainOptions.of("test-gradient")
                        .withTarget(Target.of(2, 1)).withParameters(Map.of("scale", "2")));
                assertArrayEquals(new float[] {1, 1, -4, 6, -2, 0, 2, 0}, a.map().data(), 1e-5f);
                assertArrayEquals(new long[] {2, 1, 2, 2}, a.map().shape());
                assertEquals(2.0, a.parameters().get("scale"));
                assertTrue(a.timingsMillis().containsKey("total"));

                LoupeException bad = assertThrows(LoupeException.class, () -> host.explain(model, x,
                        ExplainOptions.of("test-gradient").withParameters(Map.of("steps", "3"))));
                assertTrue(bad.getMessage().contains("has no parameter steps"), bad.getMessage());
            }
            host.uninstall("test.method.gradient");
            assertTrue(host.methods().isEmpty());
            assertFalse(Files.exists(home.resolve("plugins/test.method.gradient.jar")));
        }
    }

    @Test
    void jarDroppedIntoThePluginFolderAppearsAndDisappearsLive() throws Exception {
        try (LoupeHost host = start()) {
            Path dropped = home.resolve("plugins/test.method.gradient.jar");
            Files.copy(gradientJar, dropped);
            await(() -> methodIds(host).contains("test-gradient"), "hot-deployed method");
            Files.delete(dropped);
            await(() -> host.methods().isEmpty(), "removed method to disappear");
        }
    }

    @Test
    void corruptAndUnresolvableJarsGetOneLineErrorsWhileTheHostKeepsServing() throws Exception {
        try (LoupeHost host = start()) {
            host.install(linearJar);
            host.install(gradientJar);

            LoupeException corrupt = assertThrows(LoupeException.class, () -> host.install(corruptJar));
            assertTrue(corrupt.getMessage().contains("test.corrupt.jar") && corrupt.getMessage().contains("corrupt"),
                    corrupt.getMessage());
            assertEquals(1, corrupt.getMessage().lines().count());

            LoupeException unresolved = assertThrows(LoupeException.class, () -> host.install(unresolvableJar));
            assertTrue(unresolved.getMessage().contains("test.unresolvable.jar"), unresolved.getMessage());
            assertTrue(unresolved.getMessage().contains("missing package org.nonexistent.pkg"), unresolved.getMessage());
            assertEquals(1, unresolved.getMessage().lines().count());
            assertFalse(Files.exists(home.resolve("plugins/test.unresolvable.jar")), "a failed install keeps nothing");

            // the same jars dropped by hand are reported in the plugin list
            Files.copy(corruptJar, home.resolve("plugins/test.corrupt.jar"));
            Files.copy(unresolvableJar, home.resolve("plugins/test.unresolvable.jar"));
            await(() -> host.plugins().stream().filter(p -> p.state() == PluginInfo.State.BROKEN).count() == 2,
                    "two broken plugins");
            PluginInfo broken = host.plugins().stream().filter(p -> p.id().equals("test.unresolvable")).findFirst()
                    .orElseThrow();
            assertTrue(broken.problem().contains("org.nonexistent.pkg"), broken.problem());

            // everything else still works
            assertEquals(List.of("test-gradient"), methodIds(host));
            try (ExplainableModel model = host.loadModel(linearModel())) {
                Attribution a = host.explain(model, new Tensor(new float[] {1, 2, 3, 4}, new long[] {1, 4}),
                        ExplainOptions.of("test-gradient").withTarget(Target.of(0)));
                assertArrayEquals(new float[] {1, 2, 3, 4}, a.map().data(), 1e-6f);
            }
        }
    }

    @Test
    void disabledStateSurvivesARestart() throws Exception {
        try (LoupeHost host = start()) {
            host.install(gradientJar);
            PluginInfo off = host.disable("test.method.gradient");
            assertEquals(PluginInfo.State.DISABLED, off.state());
            assertTrue(host.methods().isEmpty());
        }
        try (LoupeHost host = start()) {
            assertTrue(host.methods().isEmpty());
            assertEquals(PluginInfo.State.DISABLED, host.plugins().get(0).state());
            PluginInfo on = host.enable("test.method.gradient");
            assertEquals(List.of("test-gradient"), methodIds(host), "enable returned " + on);
        }
        try (LoupeHost host = start()) {
            assertEquals(List.of("test-gradient"), methodIds(host), "enabled again after a restart");
        }
    }

    @Test
    void aLoadingPluginIsNeverReportedBroken() throws Exception {
        // while FileInstall installs, refreshes and starts a jar, other threads asking for the
        // plugins' states must see it loading or running, never broken
        try (LoupeHost host = start()) {
            Set<String> seen = ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> askers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Thread asker = new Thread(() -> {
                    while (!stop.get()) {
                        for (PluginInfo p : host.plugins()) {
                            if (p.state() == PluginInfo.State.BROKEN) {
                                seen.add(p.problem());
                            }
                        }
                    }
                });
                asker.start();
                askers.add(asker);
            }
            try {
                for (int round = 0; round < 15; round++) {
                    PluginInfo on = host.install(gradientJar);
                    assertEquals(PluginInfo.State.ACTIVE, on.state(), on.toString());
                    assertEquals(List.of("test-gradient"), methodIds(host));
                    host.disable("test.method.gradient");
                    host.enable("test.method.gradient");
                    assertEquals(List.of("test-gradient"), methodIds(host));
                    host.uninstall("test.method.gradient");
                }
            } finally {
                stop.set(true);
                for (Thread asker : askers) {
                    asker.join();
                }
            }
            assertEquals(Set.of(), seen, "a good jar was reported broken while it loaded");
        }
    }

    @Test
    void bundlesShareTheApplicationsDjl() throws Exception {
        try (LoupeHost host = start()) {
            host.install(linearJar);
            Bundle bundle = java.util.Arrays.stream(host.bundleContext().getBundles())
                    .filter(b -> "test.backend.linear".equals(b.getSymbolicName())).findFirst().orElseThrow();
            // the bundle resolves DJL to the very classes on this test's class path: one DJL, one libtorch
            assertSame(ai.djl.ndarray.NDManager.class, bundle.loadClass("ai.djl.ndarray.NDManager"));
            assertSame(ai.djl.engine.Engine.class, bundle.loadClass("ai.djl.engine.Engine"));
            assertSame(dev.loupe.api.Explainer.class, bundle.loadClass("dev.loupe.api.Explainer"));
        }
    }

    @Test
    void nativeCodeBundlesGoToTheStaticFolderAndNeedARestart() throws Exception {
        Path engine = TestBundles.build(home.resolve("jars"), "test.engine", "dev.loupe.platform.testplugins.broken",
                Map.of("Loupe-Engine", "true"));
        try (LoupeHost host = start()) {
            PluginInfo p = host.install(engine);
            assertEquals(PluginInfo.Kind.STATIC, p.kind());
            assertEquals(PluginInfo.State.PRESENT, p.state());
            assertTrue(Files.exists(home.resolve("bundles/test.engine.jar")));
        }
        try (LoupeHost host = start()) {
            PluginInfo p = host.plugins().stream().filter(i -> i.id().equals("test.engine")).findFirst().orElseThrow();
            assertEquals(PluginInfo.Kind.STATIC, p.kind());
            assertTrue(java.util.Arrays.stream(host.bundleContext().getBundles())
                    .anyMatch(b -> "test.engine".equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE));
        }
    }

    @Test
    void gogoScriptsRunLoupeCommands() throws Exception {
        Files.createDirectories(home.resolve("plugins"));
        Files.copy(gradientJar, home.resolve("plugins/g.jar"), StandardCopyOption.REPLACE_EXISTING);
        try (LoupeHost host = start()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            host.execute("methods", out);
            String text = out.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("test-gradient  [gradient]"), text);
            assertTrue(text.contains("--param scale=..."), text);
            LoupeException e = assertThrows(LoupeException.class, () -> host.execute("explain --method nope", out));
            assertTrue(e.getMessage().contains("no method nope"), e.getMessage());
        }
    }
}
