package dev.loupe.backend.onnxruntime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelBackend;
import dev.loupe.api.ModelSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Runs ONNX files on Microsoft ONNX Runtime (CPU): forward passes only, batched, for the
 * perturbation methods (occlusion, LIME, SHAP, RISE...) that need many of them.
 *
 * <p>Options read from {@link ModelSource#options()}: {@code output} (the output tensor whose
 * scores are explained; default the first) and {@code threads} (intra-op threads; default the
 * number of cores).
 */
@Component(service = ModelBackend.class, property = ModelBackend.PROPERTY_ID + "=" + OnnxRuntimeBackend.ID)
public final class OnnxRuntimeBackend implements ModelBackend {
    /** The backend id. */
    public static final String ID = "onnxruntime";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "ONNX files on Microsoft ONNX Runtime (CPU): fast batched forward passes, no gradients";
    }

    @Override
    public Set<Capability> capabilities() {
        return OnnxRuntimeModel.CAPABILITIES;
    }

    @Override
    public boolean canLoad(ModelSource source) {
        return "onnx".equals(source.extension());
    }

    @Override
    public ExplainableModel load(ModelSource source) {
        String name = source.path().getFileName().toString();
        if (!Files.isRegularFile(source.path())) {
            throw new LoupeException("ONNX model not found: " + source.path());
        }
        int threads = threads(source, name);
        OrtEnvironment env = environment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = null;
        try {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            session = env.createSession(source.path().toAbsolutePath().toString(), options);
            return new OnnxRuntimeModel(name, env, session, options, source.options().get("output"));
        } catch (OrtException e) {
            closeQuietly(session, options);
            throw new LoupeException("ONNX Runtime cannot load " + name + ": " + oneLine(e.getMessage()), e);
        } catch (RuntimeException e) {
            closeQuietly(session, options);
            throw e instanceof LoupeException le ? le
                    : new LoupeException("ONNX Runtime cannot load " + name + ": " + oneLine(e.getMessage()), e);
        }
    }

    /**
     * The process-wide ONNX Runtime environment. Its first use loads the native libraries for this
     * platform, from the cache {@link NativeLibraries} keeps (or, failing that, extracted by ONNX
     * Runtime itself from this bundle into a temporary folder).
     */
    static synchronized OrtEnvironment environment() {
        // ONNX Runtime reads the property once, when it loads its library: set it for that moment
        boolean set = false;
        if (System.getProperty(NativeLibraries.PATH_PROPERTY) == null) {
            Path cached = NativeLibraries.cached();
            if (cached != null) {
                System.setProperty(NativeLibraries.PATH_PROPERTY, cached.toString());
                set = true;
            }
        }
        try {
            return OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "loupe");
        } catch (LinkageError | RuntimeException e) {
            throw new LoupeException("ONNX Runtime's native library could not be loaded on this platform ("
                    + System.getProperty("os.name") + ", " + System.getProperty("os.arch") + "): "
                    + oneLine(String.valueOf(e.getMessage())), e);
        } finally {
            if (set) {
                System.clearProperty(NativeLibraries.PATH_PROPERTY);
            }
        }
    }

    private static int threads(ModelSource source, String name) {
        String option = source.options().get("threads");
        if (option == null || option.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(option.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new LoupeException("threads '" + option + "' for " + name + " is not a positive number of threads");
    }

    private static void closeQuietly(OrtSession session, OrtSession.SessionOptions options) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                // already failing: the original error is the one to report
            }
        }
        options.close();
    }

    static String oneLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
