package dev.loupe.method.xgradcam;

import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.cam.CamExplainer;
import dev.loupe.cam.CamFormula;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** XGrad-CAM (Fu et al. 2020): w_k = Σ_p (A_k(p) / Σ_q A_k(q))·∂y_c/∂A_k(p). */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + XGradCam.ID)
public final class XGradCam extends CamExplainer {
    /** The method id. */
    public static final String ID = "xgradcam";
    /** pytorch-grad-cam's guard for channels whose activations sum to 0. */
    private static final double EPS = 1e-7;

    /** Registers the method. */
    public XGradCam() {
        super(describe(ID, "XGrad-CAM", "Fu et al. 2020, Axiom-based Grad-CAM: Towards Accurate Visualization and "
                + "Explanation of CNNs", true, List.of(),
                "Channels weighted by their gradient averaged with the channel's own activations as weights."));
    }

    @Override
    protected CamFormula formula(ExplanationRequest request) {
        return CamFormula.weighted(CamFormula.summed((g, a, sum) -> g * a / (sum + EPS)));
    }
}
