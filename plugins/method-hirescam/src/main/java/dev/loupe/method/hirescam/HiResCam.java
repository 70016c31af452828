package dev.loupe.method.hirescam;

import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.cam.CamExplainer;
import dev.loupe.cam.CamFormula;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** HiResCAM (Draelos &amp; Carin 2020): Σ_k ∂y_c/∂A_k ⊙ A_k, position by position. */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + HiResCam.ID)
public final class HiResCam extends CamExplainer {
    /** The method id. */
    public static final String ID = "hirescam";

    /** Registers the method. */
    public HiResCam() {
        super(describe(ID, "HiResCAM", "Draelos & Carin 2020, Use HiResCAM instead of Grad-CAM for faithful "
                + "explanations of convolutional neural networks", true, List.of(),
                "Gradient times activation summed over channels: where the layer's values add to the class score."));
    }

    @Override
    protected CamFormula formula(ExplanationRequest request) {
        return CamFormula.perPosition((g, a) -> g * a);
    }
}
