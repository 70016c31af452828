package dev.loupe.method.gradcam;

import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.cam.CamExplainer;
import dev.loupe.cam.CamFormula;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** Grad-CAM (Selvaraju et al. 2017): Σ_k mean(∂y_c/∂A_k)·A_k at the chosen layer. */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + GradCam.ID)
public final class GradCam extends CamExplainer {
    /** The method id. */
    public static final String ID = "gradcam";

    /** Registers the method. */
    public GradCam() {
        super(describe(ID, "Grad-CAM", "Selvaraju et al. 2017, Grad-CAM: Visual Explanations from Deep Networks via "
                + "Gradient-based Localization", true, List.of(),
                "Where the layer's features that raise the class score are: channels weighted by their mean "
                        + "gradient."));
    }

    @Override
    protected CamFormula formula(ExplanationRequest request) {
        return CamFormula.weighted((layer, probe) -> CamFormula.meanGradients(layer));
    }
}
