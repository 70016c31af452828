package dev.loupe.api;

/**
 * A rewrite of the model graph that keeps its function but gives backward rules the structure they
 * assume (as Zennit's canonizers do). A rule set names the canonizers it needs; the backend applies
 * them to a copy of the graph for those passes only.
 */
public enum Canonizer {
    /** Folds each BatchNormalization into the Conv or Gemm that feeds it, so rules see one linear layer. */
    MERGE_BATCHNORM,
    /**
     * Marks additions of two activations (residual connections) as op type {@code Sum}, distinct
     * from a bias {@code Add}, so a rule can split the signal between the branches.
     */
    EXPLICIT_RESIDUAL
}
