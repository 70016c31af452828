package dev.loupe.api;

/**
 * Looks inside a model rather than explaining one decision: feature maps, filters, prototypical
 * inputs, activation maximisation, embedding maps. Register as an OSGi service with the property
 * {@value #PROPERTY_ID}; {@code loupe inspect ID} runs it.
 */
public interface Inspector {
    /** Service property that carries the inspector id. */
    String PROPERTY_ID = "loupe.inspector.id";

    /** @return id, citation, required capabilities and parameters */
    InspectorDescriptor descriptor();

    /**
     * Inspects a model.
     *
     * @param model the model
     * @param request inputs (where the inspector needs them), layers, unit and parameters
     * @param context compute service, progress and cancellation
     * @return arrays, figures and tables to write and show
     * @throws LoupeException on bad input (unknown layer, unit out of range, missing inputs)
     */
    Inspection inspect(ExplainableModel model, InspectionRequest request, ExplanationContext context);
}
