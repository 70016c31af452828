package dev.loupe.method.guidedgradcam;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.cam.CamFormula;
import dev.loupe.cam.ClassActivationMaps;
import dev.loupe.cam.MapOps;
import dev.loupe.relevance.ReluRules;
import dev.loupe.relevance.RuleSweep;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Guided Grad-CAM (Selvaraju et al. 2017): guided backprop's input map times the ReLU'd Grad-CAM map of
 * one layer, upsampled to the input (nearest neighbour, as Captum; bilinear, as the paper).
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + GuidedGradCam.ID)
public final class GuidedGradCam implements Explainer {
    /** The method id. */
    public static final String ID = "guided-gradcam";
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "Guided Grad-CAM", "relevance",
            "Selvaraju et al. 2017, Grad-CAM: Visual Explanations from Deep Networks via Gradient-based "
                    + "Localization",
            Set.of(Capability.BACKWARD_RULES, Capability.INPUT_GRADIENT, Capability.LAYER_ACTIVATION,
                    Capability.LAYER_GRADIENT),
            List.of(ParameterSpec.choice("upsampling", "nearest", List.of("nearest", "bilinear"),
                    "how the Grad-CAM map reaches the input's size: nearest (as Captum) or half-pixel bilinear "
                            + "(as the paper)")),
            "Guided backprop's fine detail, kept only where Grad-CAM locates the class: high-resolution and "
                    + "class-discriminative.");

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        long start = System.nanoTime();
        if (request.layers().size() > 1) {
            throw new LoupeException(ID + " takes one layer; got " + request.layers().size() + " ("
                    + String.join(", ", request.layers()) + "). Pass a single --layer, or none for auto.");
        }
        Attribution cam = ClassActivationMaps.explain(ID, true,
                CamFormula.weighted((layer, probe) -> CamFormula.meanGradients(layer)), model, inputs, request,
                context);
        Tensor guided = RuleSweep.atInput(model, inputs, request.objective(), ReluRules.guided(), context).signal();
        Tensor raw = cam.layerMap();
        int h = (int) raw.shape()[2];
        int w = (int) raw.shape()[3];
        int height = (int) inputs.shape()[2];
        int width = (int) inputs.shape()[3];
        float[] relu = MapOps.relu(raw.data());
        float[] up = "bilinear".equals(request.stringParam("upsampling"))
                ? MapOps.bilinear(relu, h, w, height, width, false)
                : MapOps.nearest(relu, h, w, height, width);
        float[] out = guided.data().clone();
        int plane = height * width;
        int channels = (int) inputs.shape()[1];
        for (int i = 0; i < inputs.batchSize(); i++) {
            for (int c = 0; c < channels; c++) {
                int at = (i * channels + c) * plane;
                for (int p = 0; p < plane; p++) {
                    out[at + p] *= up[i * plane + p];
                }
            }
        }
        return Attribution.of(ID, new Tensor(out, inputs.shape()), request).withLayerMap(raw, cam.layers())
                .withDetail("upsampling", request.stringParam("upsampling"))
                .withTiming("total", (System.nanoTime() - start) / 1e6);
    }
}
