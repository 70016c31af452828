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
    private static final float EPS = 1e-7f;

    /** Registers the method. */
    public XGradCam() {
        super(describe(ID, "XGrad-CAM", "Fu et al. 2020, Axiom-based Grad-CAM: Towards Accurate Visualization and "
                + "Explanation of CNNs", true, List.of(),
                "Channels weighted by their gradient averaged with the channel's own activations as weights."));
    }

    @Override
    protected CamFormula formula(ExplanationRequest request) {
        return CamFormula.weighted((layer, probe) -> {
            float[] a = layer.activations();
            float[] g = layer.requireGradients();
            int plane = layer.plane();
            float[] w = new float[layer.images() * layer.channels()];
            for (int nk = 0; nk < w.length; nk++) {
                double sum = 0;
                for (int p = nk * plane; p < (nk + 1) * plane; p++) {
                    sum += a[p];
                }
                double weighted = 0;
                for (int p = nk * plane; p < (nk + 1) * plane; p++) {
                    weighted += g[p] * a[p] / (sum + EPS);
                }
                w[nk] = (float) weighted;
            }
            return w;
        });
    }
}
