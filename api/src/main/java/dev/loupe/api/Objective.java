package dev.loupe.api;

import ai.djl.ndarray.NDArray;

/**
 * The scalar per input that an explanation explains: a class score of an output tensor, its
 * probability, or the contrast between two classes; on a layer, a channel's total or one neuron
 * (what activation maximisation and prototypes look at).
 *
 * @param kind how the score is formed
 * @param output the output tensor name, or null for the model's default explained output
 * @param targets one class (or channel) index per input in the batch
 * @param contrast for {@link Kind#CONTRAST}: the class subtracted, one per input; otherwise null
 * @param positions one flat index into the axes after the channel per input (a neuron: y·W + x
 *     in an [N, C, H, W] layer), or null to sum over them
 */
public record Objective(Kind kind, String output, int[] targets, int[] contrast, int[] positions) {

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
        if (positions != null && (kind != Kind.LOGIT || positions.length != targets.length)) {
            throw new IllegalArgumentException("a neuron objective is a LOGIT objective with one position per target");
        }
    }

    /** An objective over whole classes or channels. */
    public Objective(Kind kind, String output, int[] targets, int[] contrast) {
        this(kind, output, targets, contrast, null);
    }

    /**
     * @param layer the layer (tensor or node name)
     * @param channels the channel per input
     * @return the sum of each channel over its positions (its mean times the positions)
     */
    public static Objective channel(String layer, int... channels) {
        return new Objective(Kind.LOGIT, layer, channels, null, null);
    }

    /**
     * @param layer the layer (tensor or node name)
     * @param channels the channel per input
     * @param positions the flat position per input in the axes after the channel (y·W + x)
     * @return one neuron's value per input
     */
    public static Objective neuron(String layer, int[] channels, int[] positions) {
        return new Objective(Kind.LOGIT, layer, channels, null, positions);
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
        int[] p = positions == null ? null : new int[inputs.length];
        for (int j = 0; j < inputs.length; j++) {
            t[j] = targets[inputs[j]];
            if (c != null) {
                c[j] = contrast[inputs[j]];
            }
            if (p != null) {
                p[j] = positions[inputs[j]];
            }
        }
        return new Objective(kind, output, t, c, p);
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
        if (positions != null) {
            return neuronValues(scores, n);
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

    private NDArray neuronValues(NDArray scores, long n) {
        int channels = (int) scores.getShape().get(1);
        check(targets, channels);
        long size = scores.getShape().size() / n / channels;
        int[] flat = new int[targets.length];
        for (int i = 0; i < flat.length; i++) {
            if (positions[i] < 0 || positions[i] >= size) {
                throw new LoupeException("neuron position " + positions[i] + " is out of range: the layer has " + size
                        + " positions per channel (0.." + (size - 1) + ")");
            }
            flat[i] = (int) (targets[i] * size + positions[i]);
        }
        NDArray values = scores.reshape(n, -1);
        return values.mul(values.getManager().create(flat).oneHot((int) (channels * size))).sum(new int[] {1});
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
