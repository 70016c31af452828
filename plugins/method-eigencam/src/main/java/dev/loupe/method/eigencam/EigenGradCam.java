package dev.loupe.method.eigencam;

import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.cam.CamExplainer;
import dev.loupe.cam.CamFormula;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** EigenGrad-CAM (pytorch-grad-cam): EigenCAM on gradient × activation, so the map depends on the class. */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + EigenGradCam.ID)
public final class EigenGradCam extends CamExplainer {
    /** The method id. */
    public static final String ID = "eigengradcam";

    /** Registers the method. */
    public EigenGradCam() {
        super(describe(ID, "EigenGrad-CAM", "Gildenblat et al., pytorch-grad-cam (EigenCAM of gradient × activation; "
                + "after Muhammad & Yeasin 2020)", true, List.of(),
                "The first principal component of gradient × activation: EigenCAM made class-specific."));
    }

    @Override
    protected CamFormula formula(ExplanationRequest request) {
        return CamFormula.firstComponent((g, a) -> g * a);
    }
}
