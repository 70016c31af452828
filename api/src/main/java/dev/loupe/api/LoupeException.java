package dev.loupe.api;

/**
 * An error a user can act on: the message says what was wrong and what to do. The host prints
 * it as one line (no stack trace unless verbose).
 */
public class LoupeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and what to do about it */
    public LoupeException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong and what to do about it
     * @param cause the underlying error
     */
    public LoupeException(String message, Throwable cause) {
        super(message, cause);
    }
}
