package dev.loupe.platform.testplugins.linear;

import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelBackend;
import dev.loupe.api.ModelSource;
import dev.loupe.api.Npy;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Test backend bundle: a linear classifier whose weights W [K, D] are a {@code .linear.npy}
 * file; logits = W · flatten(x). Its input gradient for class c is W[c], a known answer.
 */
@Component(service = ModelBackend.class, property = ModelBackend.PROPERTY_ID + "=linear")
public class LinearBackend implements ModelBackend {
    @Override
    public String id() {
        return "linear";
    }

    @Override
    public String description() {
        return "linear classifiers from .linear.npy weight files (test backend)";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.FORWARD, Capability.INPUT_GRADIENT);
    }

    @Override
    public boolean canLoad(ModelSource source) {
        return source.path().getFileName().toString().endsWith(".linear.npy");
    }

    @Override
    public ExplainableModel load(ModelSource source) {
        try {
            return new LinearModel(source.path().getFileName().toString(), Npy.readFloats(source.path()));
        } catch (IOException e) {
            throw new LoupeException("cannot read " + source.path() + ": " + e.getMessage(), e);
        }
    }
}
