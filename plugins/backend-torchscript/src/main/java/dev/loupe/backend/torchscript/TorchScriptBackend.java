package dev.loupe.backend.torchscript;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtSymbolBlock;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelBackend;
import dev.loupe.api.ModelSource;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Loads TorchScript files ({@code .pt}, {@code .torchscript}) with DJL's PyTorch engine. Models
 * offer forward passes and input gradients; TorchScript modules expose no addressable layers, so
 * layer methods need the onnx backend.
 *
 * <p>Options read from {@link ModelSource#options()}: {@code input-shape} (e.g. {@code 1,3,64,64};
 * TorchScript files do not declare their input shape) and {@code output} (which output of a
 * module returning several tensors is explained: {@code output1} or {@code 1}).
 */
@Component(service = ModelBackend.class, property = ModelBackend.PROPERTY_ID + "=" + TorchScriptBackend.ID)
public final class TorchScriptBackend implements ModelBackend {
    /** The backend id. */
    public static final String ID = "torchscript";
    /** The DJL engine every model of this backend runs on. */
    static final String ENGINE = "PyTorch";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "TorchScript files (.pt, .torchscript) on DJL/PyTorch: forward passes and input gradients";
    }

    @Override
    public Set<Capability> capabilities() {
        return TorchScriptModel.CAPABILITIES;
    }

    @Override
    public boolean canLoad(ModelSource source) {
        String ext = source.extension();
        return ext.equals("pt") || ext.equals("torchscript");
    }

    @Override
    public ExplainableModel load(ModelSource source) {
        String name = source.path().getFileName().toString();
        if (!Files.isRegularFile(source.path())) {
            throw new LoupeException("TorchScript model not found: " + source.path());
        }
        long[] inputShape = TorchScriptModel.parseInputShape(source.options().get("input-shape"), name);
        Model model = Model.newInstance(name, Device.cpu(), ENGINE);
        try {
            // trainParam: without it DJL loads the weights in inference mode, and inference tensors
            // cannot take part in a backward pass; the module itself is in eval mode either way
            model.load(source.path().toAbsolutePath(), null, Map.of("trainParam", "true"));
            Block block = model.getBlock();
            if (!(block instanceof PtSymbolBlock module)) {
                throw new LoupeException(name + " did not load as a TorchScript module (got "
                        + (block == null ? "nothing" : block.getClass().getSimpleName()) + ")");
            }
            // gradients flow to the input only; the weights stay constants
            module.freezeParameters(true);
            return new TorchScriptModel(name, model, module, inputShape, source.options().get("output"));
        } catch (IOException | MalformedModelException | EngineException e) {
            model.close();
            throw new LoupeException("cannot load " + name + " as TorchScript (save it with torch.jit.trace or"
                    + " torch.jit.script, then torch.jit.save): " + firstLine(e.getMessage()), e);
        } catch (RuntimeException e) {
            model.close();
            throw e instanceof LoupeException le ? le
                    : new LoupeException("cannot load " + name + ": " + firstLine(e.getMessage()), e);
        }
    }

    /** libtorch messages run over many lines (C++ stack traces); the first says what happened. */
    static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        String m = message.strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }
}
