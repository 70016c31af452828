package dev.loupe.method.layercam;

import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.cam.CamExplainer;
import dev.loupe.cam.CamFormula;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** LayerCAM (Jiang et al. 2021): Σ_k max(∂y_c/∂A_k, 0)·A_k, position by position. */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + LayerCam.ID)
public final class LayerCam extends CamExplainer {
    /** The method id. */
    public static final String ID = "layercam";

    /** Registers the method. */
    public LayerCam() {
        super(describe(ID, "LayerCAM", "Jiang et al. 2021, LayerCAM: Exploring Hierarchical Class Activation Maps "
                + "for Localization", true, List.of(),
                "Activations weighted at each position by their positive gradient; works on shallow layers too."));
    }

    @Override
    protected CamFormula formula(ExplanationRequest request) {
        return CamFormula.perPosition((g, a) -> Math.max(g, 0f) * a);
    }
}
