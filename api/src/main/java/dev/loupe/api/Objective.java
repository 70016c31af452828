package dev.loupe.api;

import ai.djl.ndarray.NDArray;

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

    /** @return the softmax probability of {@code targets} on the default output */
    public static Objective probability(int... targets) {
        return new Objective(Kind.PROBABILITY, null, targets, null);
    }

    /**
     * The objective for a batch built from this one's inputs, e.g. several integration steps or
     * noisy copies of each input.
     *
     * @param inputs for each row of the new batch, the index of the input it derives from
     * @return the same kind and output with each row's target (and contrast) taken from its input
     */
    public Objective select(int[] inputs) {
        int[] t = new int[inputs.length];
        int[] c = contrast == null ? null : new int[inputs.length];
        for (int j = 0; j < inputs.length; j++) {
            t[j] = targets[inputs[j]];
            if (c != null) {
                c[j] = contrast[inputs[j]];
            }
        }
        return new Objective(kind, output, t, c);
    }

    /**
     * Forms the objective from the explained scores; differentiable, so a backend calls it inside
     * its gradient scope.
     *
     * @param scores the explained output, [N, classes] (further axes are summed per class, so a
     *     dense output such as [N, classes, H, W] explains the class's total score)
     * @return the objective per input, [N]
     * @throws LoupeException if the targets do not match the batch or a class index is out of range
     */
    public NDArray score(NDArray scores) {
        long n = scores.getShape().get(0);
        if (targets.length != n) {
            throw new LoupeException("the objective has " + targets.length + " targets for a batch of " + n
                    + " inputs; give one target class per input");
        }
        NDArray perClass = scores.getShape().dimension() > 2
                ? scores.reshape(n, scores.getShape().get(1), -1).sum(new int[] {2})
                : scores;
        int classes = (int) perClass.getShape().get(1);
        check(targets, classes);
        NDArray values = kind == Kind.PROBABILITY ? perClass.softmax(1) : perClass;
        NDArray picked = values.mul(values.getManager().create(targets).oneHot(classes)).sum(new int[] {1});
        if (kind == Kind.CONTRAST) {
            check(contrast, classes);
            picked = picked.sub(values.mul(values.getManager().create(contrast).oneHot(classes)).sum(new int[] {1}));
        }
        return picked;
    }

    private static void check(int[] classes, int count) {
        for (int c : classes) {
            if (c < 0 || c >= count) {
                throw new LoupeException("target class " + c + " is out of range: the explained output has "
                        + count + " classes (0.." + (count - 1) + ")");
            }
        }
    }
}
