package dev.loupe.method.eigencam;

import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.cam.CamExplainer;
import dev.loupe.cam.CamFormula;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * EigenCAM (Muhammad &amp; Yeasin 2020): the projection of each position of the layer on the first
 * principal component of its channels; class-agnostic and gradient-free.
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + EigenCam.ID)
public final class EigenCam extends CamExplainer {
    /** The method id. */
    public static final String ID = "eigencam";

    /** Registers the method. */
    public EigenCam() {
        super(describe(ID, "EigenCAM", "Muhammad & Yeasin 2020, Eigen-CAM: Class Activation Map using Principal "
                + "Components", false, List.of(),
                "The dominant pattern of the layer's activations (first principal component); does not depend on "
                        + "the class. Sign chosen so the larger extreme is positive."));
    }

    @Override
    protected CamFormula formula(ExplanationRequest request) {
        return CamFormula.firstComponent((g, a) -> a);
    }
}
