package dev.loupe.platform.host;

import dev.loupe.api.ComputeService;
import dev.loupe.api.Explainer;
import dev.loupe.api.Inspector;
import dev.loupe.api.Metric;
import dev.loupe.api.ModelBackend;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Live views of the services plugins register: methods, backends, metrics and the compute
 * service. Always current: a bundle that starts or stops changes what these return.
 */
public final class HostServices implements AutoCloseable {
    private final ServiceTracker<Explainer, Explainer> explainers;
    private final ServiceTracker<ModelBackend, ModelBackend> backends;
    private final ServiceTracker<Metric, Metric> metrics;
    private final ServiceTracker<Inspector, Inspector> inspectors;
    private final ServiceTracker<ComputeService, ComputeService> compute;

    /** @param context the framework's context */
    public HostServices(BundleContext context) {
        explainers = open(new ServiceTracker<>(context, Explainer.class, null));
        backends = open(new ServiceTracker<>(context, ModelBackend.class, null));
        metrics = open(new ServiceTracker<>(context, Metric.class, null));
        inspectors = open(new ServiceTracker<>(context, Inspector.class, null));
        compute = open(new ServiceTracker<>(context, ComputeService.class, null));
    }

    private static <T> ServiceTracker<T, T> open(ServiceTracker<T, T> t) {
        t.open();
        return t;
    }

    /** @return installed methods, sorted by id */
    public List<Explainer> explainers() {
        return sorted(explainers, e -> e.descriptor().id());
    }

    /** @return the method with this id */
    public Optional<Explainer> explainer(String id) {
        return explainers().stream().filter(e -> e.descriptor().id().equals(id)).findFirst();
    }

    /** @return installed backends, best ranked first */
    public List<ModelBackend> backends() {
        return ranked(backends);
    }

    /** @return installed metrics, sorted by id */
    public List<Metric> metrics() {
        return sorted(metrics, m -> m.descriptor().id());
    }

    /** @return installed inspectors, sorted by id */
    public List<Inspector> inspectors() {
        return sorted(inspectors, i -> i.descriptor().id());
    }

    /** @return the inspector with this id */
    public Optional<Inspector> inspector(String id) {
        return inspectors().stream().filter(i -> i.descriptor().id().equals(id)).findFirst();
    }

    /** @return the metric with this id */
    public Optional<Metric> metric(String id) {
        return metrics().stream().filter(m -> m.descriptor().id().equals(id)).findFirst();
    }

    /** @return the highest-ranked compute service, if a compute plugin is installed */
    public Optional<ComputeService> compute() {
        return Optional.ofNullable(compute.getService());
    }

    private static <T> List<T> sorted(ServiceTracker<T, T> tracker, Function<T, String> key) {
        List<T> all = ranked(tracker);
        all.sort(Comparator.comparing(key));
        return all;
    }

    private static <T> List<T> ranked(ServiceTracker<T, T> tracker) {
        ServiceReference<T>[] refs = tracker.getServiceReferences();
        List<T> out = new ArrayList<>();
        if (refs == null) {
            return out;
        }
        java.util.Arrays.sort(refs, Comparator.reverseOrder());
        for (ServiceReference<T> r : refs) {
            T s = tracker.getService(r);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public void close() {
        explainers.close();
        backends.close();
        metrics.close();
        inspectors.close();
        compute.close();
    }
}
