package dev.loupe.backend.onnx;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelBackend;
import dev.loupe.api.ModelSource;
import dev.loupe.backend.onnx.graph.Graph;
import dev.loupe.backend.onnx.ops.UnsupportedOpException;
import dev.loupe.backend.onnx.proto.OnnxProto;
import dev.loupe.backend.onnx.proto.OnnxReader;
import java.io.IOException;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/** Loads ONNX files into graphs that run op by op on DJL's PyTorch engine, with autograd. */
@Component(service = ModelBackend.class, property = ModelBackend.PROPERTY_ID + "=" + OnnxBackend.ID)
public final class OnnxBackend implements ModelBackend {
    /** The backend id. */
    public static final String ID = "onnx";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "ONNX graphs run op by op on DJL/PyTorch: gradients, layers, backward rules, parameters";
    }

    @Override
    public Set<Capability> capabilities() {
        return OnnxModel.CAPABILITIES;
    }

    @Override
    public boolean canLoad(ModelSource source) {
        return "onnx".equals(source.extension());
    }

    @Override
    public ExplainableModel load(ModelSource source) {
        OnnxProto.Model proto;
        try {
            proto = OnnxReader.readModel(source.path());
        } catch (IOException e) {
            throw new LoupeException("cannot read " + source.path() + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new LoupeException(e.getMessage(), e);
        }
        NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        try {
            Graph graph = Graph.compile(proto, source.path().toAbsolutePath().getParent(), manager);
            return new OnnxModel(source, proto, graph);
        } catch (UnsupportedOpException e) {
            manager.close();
            throw new LoupeException(source.path().getFileName() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            manager.close();
            throw e instanceof LoupeException le ? le
                    : new LoupeException("cannot load " + source.path().getFileName() + ": " + e.getMessage(), e);
        }
    }
}
