package dev.loupe.method.gradcamplusplus;

import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.cam.CamExplainer;
import dev.loupe.cam.CamFormula;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * Grad-CAM++ (Chattopadhay et al. 2018): w_k = Σ_p α_k(p)·max(g_k(p), 0) with
 * α = g² / (2g² + Σ_q A_k(q)·g³), the closed form for an exponential class score (Eq. 19).
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + GradCamPlusPlus.ID)
public final class GradCamPlusPlus extends CamExplainer {
    /** The method id. */
    public static final String ID = "gradcam-plusplus";
    /** pytorch-grad-cam's guard in α's denominator. */
    private static final double EPS = 1e-6;

    /** Registers the method. */
    public GradCamPlusPlus() {
        super(describe(ID, "Grad-CAM++", "Chattopadhay et al. 2018, Grad-CAM++: Generalized Gradient-based Visual "
                + "Explanations for Deep Convolutional Networks", true, List.of(),
                "Grad-CAM with positive gradients weighted per position; better with several objects of a class."));
    }

    @Override
    protected CamFormula formula(ExplanationRequest request) {
        // α·max(g, 0) with α = g² / (2g² + ΣA·g³); positions with g ≤ 0 add nothing
        return CamFormula.weighted(CamFormula.summed((g, a, sum) ->
                g > 0 ? g * g * g / (2 * g * g + sum * g * g * g + EPS) : 0));
    }
}
