package dev.loupe.backend.onnx.ops;

/** An op, or a form of an op, that the backend cannot run; the message names what and where. */
public final class UnsupportedOpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is unsupported, with the node name and opset */
    public UnsupportedOpException(String message) {
        super(message);
    }
}
