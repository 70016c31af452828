package dev.loupe.platform.host;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.Cancellation;
import dev.loupe.api.ComputeService;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.Inspection;
import dev.loupe.api.InspectionRequest;
import dev.loupe.api.Inspector;
import dev.loupe.api.InspectorDescriptor;
import dev.loupe.api.LoupeException;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.Metric;
import dev.loupe.api.MetricDescriptor;
import dev.loupe.api.ModelBackend;
import dev.loupe.api.ModelInfo;
import dev.loupe.api.ModelSource;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.ProgressListener;
import dev.loupe.api.Tensor;
import dev.loupe.platform.EvaluateOptions;
import dev.loupe.platform.ExplainOptions;
import dev.loupe.platform.InspectOptions;
import dev.loupe.platform.Prediction;
import dev.loupe.platform.io.ModelSidecar;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs the host's verbs on installed services: picks a backend for a model, predicts, and
 * explains — resolving targets and parameters, checking capabilities, and calling plugins with
 * DJL's context class loader.
 */
public final class Explanations {
    private final HostServices services;
    private final ComputeService fallbackCompute;

    /**
     * @param services the live service views
     * @param fallbackCompute the compute service used while no compute plugin is installed
     */
    public Explanations(HostServices services, ComputeService fallbackCompute) {
        this.services = services;
        this.fallbackCompute = fallbackCompute;
    }

    /**
     * Loads a model with the named backend, or the best installed backend that can read it and
     * offers {@code needs}.
     */
    public ExplainableModel load(ModelSource source, String backendId, Set<Capability> needs) {
        if (!Files.exists(source.path())) {
            throw new LoupeException("model not found: " + source.path());
        }
        List<ModelBackend> all = services.backends();
        if (all.isEmpty()) {
            throw new LoupeException("no model backend is installed, so " + source.path().getFileName()
                    + " cannot be loaded; put a backend bundle into bundles/ (see loupe backends)");
        }
        ModelBackend chosen;
        if (backendId != null) {
            chosen = all.stream().filter(b -> b.id().equals(backendId)).findFirst()
                    .orElseThrow(() -> new LoupeException("no backend " + backendId + "; installed: " + ids(all)));
        } else {
            List<ModelBackend> readers = all.stream().filter(b -> b.canLoad(source)).toList();
            if (readers.isEmpty()) {
                throw new LoupeException("no installed backend can load " + source.path().getFileName()
                        + " (installed: " + ids(all) + ")");
            }
            // prefer a backend that offers what the method needs, then the one that offers most
            chosen = readers.stream().max(Comparator
                    .comparing((ModelBackend b) -> b.capabilities().containsAll(needs))
                    .thenComparing(b -> b.capabilities().size())).orElseThrow();
        }
        ModelBackend backend = chosen;
        ExplainableModel model = DjlSupport.withDjlClassLoader(() -> backend.load(source));
        List<String> labels = ModelSidecar.of(source.path()).map(ModelSidecar::labels).orElse(List.of());
        return labels.isEmpty() || !model.info().labels().isEmpty() ? model : new LabelledModel(model, labels);
    }

    /** @return the model's scores and top-k classes for a batch */
    public Prediction predict(ExplainableModel model, Tensor inputs, int k) {
        Tensor scores = DjlSupport.withDjlClassLoader(() -> model.predict(inputs));
        return Prediction.of(scores, model.info().labels(), k);
    }

    /** Explains a batch with one method. */
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplainOptions options) {
        Explainer explainer = method(options.method());
        MethodDescriptor d = explainer.descriptor();
        d.checkSupportedBy(model);
        var parameters = ParameterSpec.resolve(d.id(), d.parameters(), options.parameters());
        long t0 = System.nanoTime();
        int[] targets;
        if (options.target().isAuto()) {
            targets = predict(model, inputs, 1).top1();
        } else {
            int classes = scoreClasses(model);
            targets = options.target().resolve(inputs.batchSize(), classes);
        }
        Objective objective = new Objective(options.score(), options.output(), targets, null);
        ExplanationRequest request = new ExplanationRequest(objective, options.layers(), parameters);
        ExplanationContext context = context(options.progress(), options.cancellation());
        long t1 = System.nanoTime();
        Attribution a = DjlSupport.withDjlClassLoader(() -> explainer.explain(model, inputs, request, context));
        double total = (System.nanoTime() - t0) / 1e6;
        return a.withTiming("method", (System.nanoTime() - t1) / 1e6).withTiming("total", total);
    }

    /**
     * Scores an attribution with one metric. The metric gets the method that made the attribution
     * (metrics such as the sanity check re-run it), when that method is installed.
     */
    public Metric.Result evaluate(ExplainableModel model, Tensor inputs, Attribution attribution,
            EvaluateOptions options) {
        Metric metric = metric(options.metric());
        MetricDescriptor d = metric.descriptor();
        var parameters = ParameterSpec.resolve(d.id(), d.parameters(), options.parameters());
        if (options.masks() != null && options.masks().batchSize() != inputs.batchSize()) {
            throw new LoupeException("the masks hold " + options.masks().batchSize() + " masks for "
                    + inputs.batchSize() + " inputs; give one mask [H, W] per input, in input order");
        }
        Explainer method = services.explainer(attribution.methodId()).orElse(null);
        Metric.Input input = new Metric.Input(model, inputs, attribution, method, options.masks(), parameters,
                options.objective());
        ExplanationContext context = context(options.progress(), options.cancellation());
        return DjlSupport.withDjlClassLoader(() -> metric.evaluate(input, context));
    }

    /** Runs an inspector (feature maps, filters, prototypes, activation maximisation, embeddings). */
    public Inspection inspect(ExplainableModel model, InspectOptions options) {
        Inspector inspector = inspector(options.inspector());
        InspectorDescriptor d = inspector.descriptor();
        d.checkSupportedBy(model);
        if (d.needsInputs() && options.inputs() == null) {
            throw new LoupeException(d.id() + " needs inputs: give --input (a .npy batch, an image or a folder)");
        }
        var parameters = ParameterSpec.resolve(d.id(), d.parameters(), options.parameters());
        InspectionRequest request = new InspectionRequest(options.inputs(), options.display(), options.names(),
                options.labels(), options.layers(), options.unit(), options.target(), parameters);
        ExplanationContext context = context(options.progress(), options.cancellation());
        long t0 = System.nanoTime();
        Inspection found = DjlSupport.withDjlClassLoader(() -> inspector.inspect(model, request, context));
        Map<String, Object> details = new LinkedHashMap<>(found.details());
        details.putIfAbsent("parameters", parameters);
        details.put("millis", (System.nanoTime() - t0) / 1e6);
        return new Inspection(found.inspectorId(), found.arrays(), found.figures(), found.tables(), details);
    }

    /** @return the installed inspector with this id */
    public Inspector inspector(String id) {
        return services.inspector(id).orElseThrow(() -> new LoupeException("no inspector " + id + "; installed: "
                + (services.inspectors().isEmpty() ? "(none — install inspector plugins into plugins/)"
                        : services.inspectors().stream().map(i -> i.descriptor().id())
                                .collect(Collectors.joining(", ")))));
    }

    /** @return the installed metric with this id */
    public Metric metric(String id) {
        return services.metric(id).orElseThrow(() -> new LoupeException("no metric " + id + "; installed: "
                + (services.metrics().isEmpty() ? "(none — install metric plugins into plugins/)"
                        : services.metrics().stream().map(m -> m.descriptor().id()).collect(Collectors.joining(", ")))));
    }

    /** @return the installed method with this id */
    public Explainer method(String id) {
        return services.explainer(id).orElseThrow(() -> new LoupeException("no method " + id + "; installed: "
                + (services.explainers().isEmpty() ? "(none — install method plugins into plugins/)"
                        : services.explainers().stream().map(e -> e.descriptor().id()).collect(Collectors.joining(", ")))));
    }

    /** @return the compute service methods get: the compute plugin's, or the host's CPU fallback */
    public ComputeService compute() {
        return services.compute().orElse(fallbackCompute);
    }

    private ExplanationContext context(ProgressListener progress, Cancellation cancellation) {
        return ExplanationContext.of(compute(), progress, cancellation, services::explainer);
    }

    /** @return the number of classes of the explained scores (axis 1), or MAX_VALUE when unknown */
    private static int scoreClasses(ExplainableModel model) {
        ModelInfo info = model.info();
        String scores = info.scores().tensor();
        long[] shape = info.layers().stream().filter(l -> l.name().equals(scores)).map(ModelInfo.LayerInfo::shape)
                .findFirst().orElseGet(() -> info.outputs().stream().filter(o -> o.name().equals(scores))
                        .map(ModelInfo.TensorInfo::shape).findFirst().orElse(new long[0]));
        return shape.length < 2 || shape[1] < 0 ? Integer.MAX_VALUE : (int) shape[1];
    }

    private static String ids(List<ModelBackend> backends) {
        return backends.stream().map(ModelBackend::id).collect(Collectors.joining(", "));
    }
}
