package dev.loupe.api;

/**
 * An attribution method. Register an implementation as an OSGi service (Declarative Services)
 * with the property {@value #PROPERTY_ID} set to its descriptor's id; the host lists it in
 * {@code loupe methods} and runs it with {@code loupe explain --method ID}.
 *
 * <p>Implementations must be thread-safe and keep no native memory beyond a call: create a
 * child {@code NDManager} per call on {@link ExplainableModel#engineName()} and close it.
 */
public interface Explainer {
    /** Service property that carries the method id. */
    String PROPERTY_ID = "loupe.method.id";

    /** @return id, family, citation, required capabilities and parameters */
    MethodDescriptor descriptor();

    /**
     * Explains the model's decision on a batch.
     *
     * @param model the model; the host has checked {@link MethodDescriptor#requires()}
     * @param inputs the batch, [N, C, H, W] (or the model's input layout)
     * @param request the objective, layers and resolved parameters
     * @param context compute service, progress and cancellation
     * @return the attribution for every input of the batch
     */
    Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request, ExplanationContext context);
}
