package dev.loupe.platform;

import dev.loupe.api.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's outputs for a batch and the top classes of each input.
 *
 * @param scores the explained output, [N, classes]
 * @param top per input, the top classes with their scores, best first
 */
public record Prediction(Tensor scores, List<List<ClassScore>> top) {

    /**
     * One class and its score.
     *
     * @param index the class index
     * @param label the class name, or the index as text when the model has no labels
     * @param score the score
     */
    public record ClassScore(int index, String label, float score) {
    }

    /**
     * @param scores [N, classes]
     * @param labels class names (may be empty)
     * @param k how many top classes to keep
     * @return the prediction
     */
    public static Prediction of(Tensor scores, List<String> labels, int k) {
        int n = scores.batchSize();
        int c = scores.itemSize();
        List<List<ClassScore>> top = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final int row = i * c;
            List<ClassScore> all = new ArrayList<>();
            for (int j = 0; j < c; j++) {
                all.add(new ClassScore(j, j < labels.size() ? labels.get(j) : Integer.toString(j), scores.data()[row + j]));
            }
            all.sort((a, b) -> Float.compare(b.score(), a.score()));
            top.add(List.copyOf(all.subList(0, Math.min(k, c))));
        }
        return new Prediction(scores, top);
    }

    /** @return the top-1 class of each input */
    public int[] top1() {
        return top.stream().mapToInt(t -> t.get(0).index()).toArray();
    }
}
