package dev.loupe.api;

/**
 * The scalar per input that an explanation explains: a class score of an output tensor, its
 * probability, or the contrast between two classes.
 *
 * @param kind how the score is formed
 * @param output the output tensor name, or null for the model's default explained output
 * @param targets one class index per input in the batch
 * @param contrast for {@link Kind#CONTRAST}: the class subtracted, one per input; otherwise null
 */
public record Objective(Kind kind, String output, int[] targets, int[] contrast) {

    /** How the objective is formed from the output tensor. */
    public enum Kind {
        /** The raw score (pre-softmax logit when the model ends in Softmax). */
        LOGIT,
        /** The softmax probability of the target class. */
        PROBABILITY,
        /** Score of the target minus score of the contrast class. */
        CONTRAST
    }

    /** Validates the pieces. */
    public Objective {
        if (kind == null || targets == null) {
            throw new IllegalArgumentException("objective needs a kind and targets");
        }
        if (kind == Kind.CONTRAST && (contrast == null || contrast.length != targets.length)) {
            throw new IllegalArgumentException("a contrast objective needs one contrast class per target");
        }
    }

    /** @return the raw score of {@code targets} on the default output */
    public static Objective logit(int... targets) {
        return new Objective(Kind.LOGIT, null, targets, null);
    }
}
