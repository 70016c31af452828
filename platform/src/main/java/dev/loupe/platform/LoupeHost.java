package dev.loupe.platform;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ComputeService;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.LoupeException;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.Inspection;
import dev.loupe.api.Inspector;
import dev.loupe.api.InspectorDescriptor;
import dev.loupe.api.MetricDescriptor;
import dev.loupe.api.Metric;
import dev.loupe.api.ModelSource;
import dev.loupe.api.SerialComputeService;
import dev.loupe.api.Tensor;
import dev.loupe.platform.cli.GogoCommands;
import dev.loupe.platform.host.Explanations;
import dev.loupe.platform.host.HostConfig;
import dev.loupe.platform.host.HostFramework;
import dev.loupe.platform.host.HostServices;
import dev.loupe.platform.host.PluginInfo;
import dev.loupe.platform.host.PluginManager;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * Loupe's embedding API: a running plugin host inside your application.
 *
 * <pre>{@code
 * try (LoupeHost host = LoupeHost.builder().home(Path.of("loupe")).start()) {
 *     host.methods().forEach(m -> System.out.println(m.id()));
 *     try (ExplainableModel model = host.loadModel(Path.of("model.onnx"))) {
 *         Attribution a = host.explain(model, inputs, ExplainOptions.of("saliency"));
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe. Methods and backends come and go as bundles are installed into the plugin
 * folder; every call sees the current set.
 */
public final class LoupeHost implements AutoCloseable {
    private final HostFramework framework;
    private final HostServices services;
    private final PluginManager plugins;
    private final Explanations explanations;
    private final ScheduledExecutorService monitor;
    private final ServiceRegistration<?> commands;

    private LoupeHost(Injector injector) {
        this.framework = injector.getInstance(HostFramework.class);
        this.services = injector.getInstance(HostServices.class);
        this.plugins = injector.getInstance(PluginManager.class);
        this.explanations = injector.getInstance(Explanations.class);
        plugins.awaitStartup();
        this.commands = GogoCommands.register(this, framework.context());
        this.monitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "loupe-plugin-monitor");
            t.setDaemon(true);
            return t;
        });
        long poll = framework.config().pollInterval().toMillis();
        monitor.scheduleWithFixedDelay(plugins::reportNewProblems, poll, poll, TimeUnit.MILLISECONDS);
    }

    /** @return a builder; {@link Builder#start()} boots the host */
    public static Builder builder() {
        return new Builder();
    }

    /** @return installed methods, sorted by id */
    public List<MethodDescriptor> methods() {
        return services.explainers().stream().map(Explainer::descriptor).toList();
    }

    /** @return the installed method with this id */
    public Optional<Explainer> method(String id) {
        return services.explainer(id);
    }

    /** @return installed backends */
    public List<BackendInfo> backends() {
        return services.backends().stream().map(b -> new BackendInfo(b.id(), b.description(), b.capabilities())).toList();
    }

    /** @return installed metrics */
    public List<MetricDescriptor> metrics() {
        return services.metrics().stream().map(Metric::descriptor).toList();
    }

    /** @return the compute service methods use */
    public ComputeService compute() {
        return explanations.compute();
    }

    /** @return every plugin jar and its state */
    public List<PluginInfo> plugins() {
        return plugins.list();
    }

    /**
     * Installs a plugin jar into the plugin folder and waits until it runs.
     *
     * @param jar the jar
     * @return the running plugin (for bundles with native code: installed for the next start)
     * @throws LoupeException for corrupt jars, non-bundles and jars whose imports do not resolve
     */
    public PluginInfo install(Path jar) {
        return plugins.install(jar);
    }

    /** Uninstalls a plugin by bundle id or file name; its methods disappear. */
    public PluginInfo uninstall(String id) {
        return plugins.uninstall(id);
    }

    /** Switches a plugin on again. */
    public PluginInfo enable(String id) {
        return plugins.enable(id);
    }

    /** Switches a plugin off, keeping its jar; survives restarts. */
    public PluginInfo disable(String id) {
        return plugins.disable(id);
    }

    /** Loads a model with the best installed backend for its file type. */
    public ExplainableModel loadModel(Path model) {
        return loadModel(ModelSource.of(model), null, Set.of());
    }

    /**
     * Loads a model.
     *
     * @param source the model and backend options
     * @param backendId a backend id, or null to choose by file type and {@code needs}
     * @param needs capabilities the intended methods need (to prefer a backend that offers them)
     * @return the model; close it when done
     */
    public ExplainableModel loadModel(ModelSource source, String backendId, Set<Capability> needs) {
        return explanations.load(source, backendId, needs);
    }

    /** @return the model's scores and top-5 classes per input */
    public Prediction predict(ExplainableModel model, Tensor inputs) {
        return explanations.predict(model, inputs, 5);
    }

    /** Explains a batch with one method. */
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplainOptions options) {
        return explanations.explain(model, inputs, options);
    }

    /**
     * Scores an attribution with one installed metric (deletion, pointing game, sanity check ...).
     *
     * @param model the model the attribution explains
     * @param inputs the inputs it explains
     * @param attribution the explanation to judge
     * @param options the metric, its parameters and object masks
     * @return the metric's scores and curves
     */
    public Metric.Result evaluate(ExplainableModel model, Tensor inputs, Attribution attribution,
            EvaluateOptions options) {
        return explanations.evaluate(model, inputs, attribution, options);
    }

    /**
     * Looks inside a model with an installed inspector.
     *
     * @param model the model
     * @param options the inspector, inputs, layers, unit and parameters
     * @return arrays, figures and tables
     */
    public Inspection inspect(ExplainableModel model, InspectOptions options) {
        return explanations.inspect(model, options);
    }

    /** @return the installed inspectors */
    public List<InspectorDescriptor> inspectors() {
        return services.inspectors().stream().map(Inspector::descriptor).toList();
    }

    /**
     * Runs a Gogo script in the host (the commands of {@code loupe shell}: {@code loupe:explain},
     * {@code lb}, {@code install} ...).
     *
     * @param script the script text
     * @param out where the commands print
     * @return the value of the last command
     */
    public Object execute(String script, OutputStream out) {
        BundleContext ctx = framework.context();
        ServiceReference<?> ref;
        try {
            // all references: the launcher does not import Gogo's API package, so skip the class-space check
            ServiceReference<?>[] refs = ctx.getAllServiceReferences("org.apache.felix.service.command.CommandProcessor", null);
            ref = refs == null ? null : refs[0];
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (ref == null) {
            throw new LoupeException("the Gogo shell runtime is not running");
        }
        Object processor = ctx.getService(ref);
        try {
            // reflection: Gogo's API lives in its bundle, not on the launcher's class path
            Method create = processor.getClass().getMethod("createSession",
                    java.io.InputStream.class, OutputStream.class, OutputStream.class);
            create.setAccessible(true);
            Object session = create.invoke(processor, new ByteArrayInputStream(new byte[0]), out, out);
            Method exec = session.getClass().getMethod("execute", CharSequence.class);
            exec.setAccessible(true);
            try {
                return exec.invoke(session, script);
            } finally {
                Method close = session.getClass().getMethod("close");
                close.setAccessible(true);
                close.invoke(session);
            }
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new LoupeException(cause == null ? e.toString() : cause.getMessage() == null
                    ? cause.toString() : cause.getMessage(), cause);
        } catch (ReflectiveOperationException e) {
            throw new LoupeException("cannot run the script: " + e.getMessage(), e);
        } finally {
            ctx.ungetService(ref);
        }
    }

    /** @return the hot-deploy folder of method plugins */
    public Path pluginDir() {
        return framework.config().pluginDir();
    }

    /** @return the framework's bundle context, for advanced use (your own services, bundle listing) */
    public BundleContext bundleContext() {
        return framework.context();
    }

    /** Stops the framework; plugins are stopped, temporary storage deleted. */
    @Override
    public void close() {
        monitor.shutdownNow();
        try {
            commands.unregister();
        } catch (IllegalStateException e) {
            // already gone with the framework
        }
        services.close();
        framework.close();
    }

    /** Configures and starts a {@link LoupeHost}. */
    public static final class Builder {
        private Path pluginDir = Path.of("plugins");
        private Path bundleDir;
        private Path storageDir;
        private Duration poll = HostConfig.DEFAULT_POLL;
        private Duration startTimeout = Duration.ofSeconds(20);
        private boolean verbose;
        private int maxBatch = 32;
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Uses {@code home/plugins} and {@code home/bundles}, the distribution's layout, and the
         * {@code loupe.*} settings of {@code home/conf/loupe.properties}.
         */
        public Builder home(Path home) {
            this.pluginDir = home.resolve("plugins");
            this.bundleDir = home.resolve("bundles");
            this.properties.putAll(Settings.read(home.resolve("conf/loupe.properties")));
            return this;
        }

        /**
         * A setting bundles read from the framework, e.g. {@code loupe.compute.maxBatch}; overrides
         * conf/loupe.properties.
         */
        public Builder property(String key, String value) {
            this.properties.put(key, value);
            return this;
        }

        /** The hot-deploy folder for method plugins (default {@code ./plugins}). */
        public Builder pluginDir(Path dir) {
            this.pluginDir = dir;
            return this;
        }

        /** The folder of static bundles with native code, loaded at start (default none). */
        public Builder bundleDir(Path dir) {
            this.bundleDir = dir;
            return this;
        }

        /** Keeps the framework's storage here instead of a temporary folder. */
        public Builder storageDir(Path dir) {
            this.storageDir = dir;
            return this;
        }

        /** How often the plugin folder is scanned (default 300 ms). */
        public Builder pollInterval(Duration interval) {
            this.poll = interval;
            return this;
        }

        /** How long to wait for a plugin to come up before reporting it (default 20 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** Lets the framework's components log details. */
        public Builder verbose(boolean v) {
            this.verbose = v;
            return this;
        }

        /** Largest batch the CPU fallback compute service plans (default 32). */
        public Builder maxBatch(int n) {
            this.maxBatch = n;
            return this;
        }

        /** Boots the framework and waits for the plugins present now. */
        public LoupeHost start() {
            Settings.applyThreads(properties);
            HostConfig config = new HostConfig(pluginDir, bundleDir, storageDir, poll, startTimeout, verbose,
                    properties);
            return new LoupeHost(Guice.createInjector(new HostModule(config, maxBatch)));
        }
    }

    /** Wires the host's own objects. */
    private static final class HostModule extends AbstractModule {
        private final HostConfig config;
        private final int maxBatch;

        HostModule(HostConfig config, int maxBatch) {
            this.config = config;
            this.maxBatch = maxBatch;
        }

        @Provides
        @Singleton
        HostFramework framework() {
            HostFramework f = new HostFramework(config);
            f.start();
            return f;
        }

        @Provides
        @Singleton
        HostServices services(HostFramework f) {
            return new HostServices(f.context());
        }

        @Provides
        @Singleton
        PluginManager plugins(HostFramework f) {
            return new PluginManager(config, f);
        }

        @Provides
        @Singleton
        Explanations explanations(HostServices s) {
            return new Explanations(s, new SerialComputeService(maxBatch));
        }
    }

}
