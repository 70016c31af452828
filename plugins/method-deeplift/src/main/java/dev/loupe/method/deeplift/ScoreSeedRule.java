package dev.loupe.method.deeplift;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.loupe.api.BackwardRule;
import dev.loupe.api.BackwardRules;
import dev.loupe.api.LoupeException;
import dev.loupe.relevance.OpContexts;

/**
 * Sits on the node that makes the explained scores and changes the signal that starts the walk
 * before that node's own rule sees it:
 * <ul>
 * <li>for softmax probabilities (the pass itself differentiates the raw score s_t), the multiplier
 * of p_t with respect to the scores: (e_t − 1/C)·Δp_t/Δ(s_t − s̄), exact since softmax depends on
 * the scores only through their differences from their mean s̄ (the gradient where that difference
 * does not change);</li>
 * <li>with the softmax adjustment of Shrikumar et al. (§3.6), the mean over the classes subtracted
 * from the signal, so the map explains the target's score against the average class.</li>
 * </ul>
 */
final class ScoreSeedRule implements BackwardRule {
    private final BackwardRules nodeRules;
    private final boolean probability;
    private final boolean adjust;

    /**
     * @param nodeRules the rules of the other nodes, for this node's own rule
     * @param probability whether the explained objective is the target's softmax probability
     * @param adjust whether to subtract the mean over classes
     */
    ScoreSeedRule(BackwardRules nodeRules, boolean probability, boolean adjust) {
        this.nodeRules = nodeRules;
        this.probability = probability;
        this.adjust = adjust;
    }

    @Override
    public NDList backward(OpContext op) {
        NDArray seed = op.gradOutput();
        if (probability) {
            seed = probabilitySeed(op.output(), seed);
        }
        if (adjust) {
            seed = seed.sub(seed.mean(new int[] {1}, true));
        }
        NDArray changed = seed;
        BackwardRule own = nodeRules.ruleFor(op.opType(), op.nodeName());
        return OpContexts.withSignal(own != null ? own : OpContext::plainBackward, g -> changed).backward(op);
    }

    /** @param targetSeed the one-hot seed of the target's raw score, per row */
    private static NDArray probabilitySeed(NDArray scores, NDArray targetSeed) {
        if (scores.getShape().dimension() != 2 || !Halves.splittable(scores)) {
            throw new LoupeException("deeplift explains softmax probabilities of [N, classes] scores only; the scores "
                    + "have shape " + scores.getShape() + ": explain the logit instead");
        }
        long classes = scores.getShape().get(1);
        NDArray centred = targetSeed.sub(1f / classes);
        NDArray p = scores.softmax(1);
        NDArray pTarget = p.mul(targetSeed).sum(new int[] {1}, true);
        NDArray distance = scores.mul(centred).sum(new int[] {1}, true);
        NDArray gradient = pTarget.mul(targetSeed.sub(p));
        NDArray deltaDistance = Halves.delta(distance);
        NDArray ratio = Halves.delta(pTarget).div(deltaDistance);
        // where() does not broadcast: the per-row condition is spread over the classes
        NDArray still = deltaDistance.abs().lt(Halves.EPS).broadcast(scores.getShape());
        return Halves.paired(NDArrays.where(still, gradient, centred.mul(ratio)));
    }
}
