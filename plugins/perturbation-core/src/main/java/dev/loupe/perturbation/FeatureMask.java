package dev.loupe.perturbation;

import dev.loupe.api.LoupeException;
import dev.loupe.api.Npy;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Groups the elements of one input into features that are perturbed together: grid cells, the
 * segments of an {@code .npy} mask, superpixels. Feature ids are compacted to {@code 0..features()-1}
 * in the order of the ids given (a mask of ids 3, 7, 9 has three features), so every feature is
 * present at least once.
 */
public final class FeatureMask {
    /** The {@code mask} parameter's forms, for messages and the parameter description. */
    public static final String FORMS = "grid:S (square cells of S×S elements over the last two axes, the same for"
            + " every channel; cell id = row·columns + column), grid:HxW (cells of H×W), superpixels:N (SLIC"
            + " superpixels of each image, about N, the same for every channel), or an .npy file of"
            + " non-negative integer ids (npy:PATH or PATH.npy) that broadcasts to the inputs' shape";

    /** How many superpixels {@code superpixels} without a number asks for. */
    public static final int DEFAULT_SUPERPIXELS = 50;

    private final long[] itemShape;
    private final int[] ids;
    private final int features;
    // elements of each feature, as compressed rows: elements[starts[f] .. starts[f+1])
    private final int[] starts;
    private final int[] elements;

    private FeatureMask(long[] itemShape, int[] ids, int features) {
        this.itemShape = itemShape;
        this.ids = ids;
        this.features = features;
        this.starts = new int[features + 1];
        for (int id : ids) {
            starts[id + 1]++;
        }
        for (int f = 0; f < features; f++) {
            starts[f + 1] += starts[f];
        }
        this.elements = new int[ids.length];
        int[] next = Arrays.copyOf(starts, features);
        for (int k = 0; k < ids.length; k++) {
            elements[next[ids[k]]++] = k;
        }
    }

    /**
     * A mask from one feature id per element.
     *
     * @param ids non-negative ids, one per element of an input, row-major
     * @param itemShape the shape of one input, without the batch axis
     * @return the mask, ids compacted in their order
     * @throws LoupeException if the ids do not fit the shape or one is negative
     */
    public static FeatureMask of(int[] ids, long[] itemShape) {
        if (ids.length != size(itemShape)) {
            throw new LoupeException("a feature mask for inputs of shape " + Arrays.toString(itemShape) + " needs "
                    + size(itemShape) + " ids, got " + ids.length);
        }
        int[] sorted = ids.clone();
        Arrays.sort(sorted);
        if (sorted.length > 0 && sorted[0] < 0) {
            throw new LoupeException("feature ids must be non-negative; the mask holds " + sorted[0]);
        }
        int distinct = 0;
        for (int k = 0; k < sorted.length; k++) {
            if (k == 0 || sorted[k] != sorted[k - 1]) {
                sorted[distinct++] = sorted[k];
            }
        }
        int[] compact = new int[ids.length];
        boolean contiguous = distinct == 0 || sorted[distinct - 1] == distinct - 1;
        for (int k = 0; k < ids.length; k++) {
            compact[k] = contiguous ? ids[k] : Arrays.binarySearch(sorted, 0, distinct, ids[k]);
        }
        return new FeatureMask(itemShape.clone(), compact, distinct);
    }

    /**
     * Rectangular cells over the last two axes, the same for every leading index (channel). Cells at
     * the right and bottom edges are cut where the input ends.
     *
     * @param itemShape the shape of one input, at least two axes (e.g. C, H, W)
     * @param cellHeight cell rows
     * @param cellWidth cell columns
     * @return the mask, cell id = row · columns + column
     */
    public static FeatureMask grid(long[] itemShape, int cellHeight, int cellWidth) {
        if (itemShape.length < 2) {
            throw new LoupeException("a grid mask needs inputs with at least two axes (H, W); these have shape "
                    + Arrays.toString(itemShape) + ": give an .npy mask instead");
        }
        if (cellHeight < 1 || cellWidth < 1) {
            throw new LoupeException("grid cells must be at least 1×1; got " + cellHeight + "×" + cellWidth);
        }
        int h = Math.toIntExact(itemShape[itemShape.length - 2]);
        int w = Math.toIntExact(itemShape[itemShape.length - 1]);
        int columns = (w + cellWidth - 1) / cellWidth;
        int[] plane = new int[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                plane[y * w + x] = (y / cellHeight) * columns + x / cellWidth;
            }
        }
        int[] ids = new int[Math.toIntExact(size(itemShape))];
        for (int p = 0; p < ids.length; p += plane.length) {
            System.arraycopy(plane, 0, ids, p, plane.length);
        }
        return of(ids, itemShape);
    }

    /**
     * Masks from an {@code .npy} file of integer ids whose shape broadcasts (NumPy rules, axes aligned
     * from the right) to the inputs' batch shape: {@code [H, W]}, {@code [C, H, W]}, {@code [1, H, W]}
     * are shared by all inputs, {@code [N, 1, H, W]} gives each input its own.
     *
     * @param file the mask file
     * @param batchShape the inputs' shape, batch axis first
     * @return one mask per input
     * @throws LoupeException saying what is wrong with the file or its shape
     */
    public static List<FeatureMask> fromNpy(Path file, long[] batchShape) {
        if (!Files.isRegularFile(file)) {
            throw new LoupeException("feature mask file " + file + " does not exist");
        }
        long[] shape;
        long[] values;
        try {
            shape = Npy.readShape(file);
            values = Npy.readLongs(file);
        } catch (IOException e) {
            throw new LoupeException("cannot read feature mask " + file + ": " + e.getMessage()
                    + " (save integer ids with numpy.save)", e);
        }
        boolean fits = shape.length <= batchShape.length;
        for (int a = 1; fits && a <= shape.length; a++) {
            long m = shape[shape.length - a];
            fits = m == 1 || m == batchShape[batchShape.length - a];
        }
        if (!fits) {
            throw new LoupeException("feature mask " + file.getFileName() + " has shape " + Arrays.toString(shape)
                    + ", which does not broadcast to the inputs' shape " + Arrays.toString(batchShape)
                    + ": aligned from the right, each axis must equal the input's or be 1"
                    + " (e.g. [H, W] or [N, 1, H, W])");
        }
        int n = Math.toIntExact(batchShape[0]);
        long[] itemShape = Arrays.copyOfRange(batchShape, 1, batchShape.length);
        int itemSize = Math.toIntExact(size(itemShape));
        // the mask's strides per batch axis, 0 where it broadcasts
        long[] strides = new long[batchShape.length];
        long stride = 1;
        for (int a = 1; a <= shape.length; a++) {
            long m = shape[shape.length - a];
            strides[batchShape.length - a] = m == 1 ? 0 : stride;
            stride *= m;
        }
        boolean perInput = strides[0] != 0;
        List<FeatureMask> masks = new ArrayList<>(n);
        for (int i = 0; i < (perInput ? n : 1); i++) {
            int[] ids = new int[itemSize];
            for (int k = 0; k < itemSize; k++) {
                long index = i * strides[0];
                long rest = k;
                for (int a = batchShape.length - 1; a >= 1; a--) {
                    index += (rest % batchShape[a]) * strides[a];
                    rest /= batchShape[a];
                }
                long v = values[Math.toIntExact(index)];
                if (v < 0 || v > Integer.MAX_VALUE) {
                    throw new LoupeException("feature mask " + file.getFileName() + " holds the id " + v
                            + "; ids must be non-negative integers");
                }
                ids[k] = (int) v;
            }
            masks.add(of(ids, itemShape));
        }
        return perInput ? masks : Collections.nCopies(n, masks.get(0));
    }

    /**
     * Reads the {@code mask} parameter.
     *
     * @param spec one of {@link #FORMS}
     * @param inputs the inputs the masks are for
     * @return one mask per input
     * @throws LoupeException naming the accepted forms when {@code spec} is none of them
     */
    public static List<FeatureMask> parse(String spec, Tensor inputs) {
        String s = spec.trim();
        long[] batchShape = inputs.shape();
        long[] itemShape = Arrays.copyOfRange(batchShape, 1, batchShape.length);
        if (s.startsWith("grid:")) {
            String cells = s.substring(5).trim();
            String[] hw = cells.split("[x×]");
            try {
                int ch = Integer.parseInt(hw[0].trim());
                int cw = hw.length == 2 ? Integer.parseInt(hw[1].trim()) : ch;
                if (hw.length > 2) {
                    throw new NumberFormatException(cells);
                }
                return Collections.nCopies(inputs.batchSize(), grid(itemShape, ch, cw));
            } catch (NumberFormatException e) {
                throw new LoupeException("mask " + spec + ": the cell size must be S or HxW in elements, e.g. grid:8");
            }
        }
        if (s.startsWith("npy:") || s.endsWith(".npy")) {
            return fromNpy(Path.of(s.startsWith("npy:") ? s.substring(4).trim() : s), batchShape);
        }
        if (s.equals("superpixels") || s.startsWith("superpixels:")) {
            try {
                int regions = s.equals("superpixels") ? DEFAULT_SUPERPIXELS : Integer.parseInt(s.substring(12).trim());
                return superpixels(inputs, regions, Superpixels.DEFAULT_COMPACTNESS);
            } catch (NumberFormatException e) {
                throw new LoupeException("mask " + spec + ": write superpixels:N with N about how many per image");
            }
        }
        throw new LoupeException("mask " + spec + " is not understood; use " + FORMS);
    }

    /**
     * SLIC superpixels of each image ({@link Superpixels}), the same for every channel.
     *
     * @param inputs images, [N, C, H, W]
     * @param regions about how many superpixels per image
     * @param compactness the weight of position against colour ({@link Superpixels#DEFAULT_COMPACTNESS})
     * @return one mask per image
     * @throws LoupeException if the inputs are not images or {@code regions} is not positive
     */
    public static List<FeatureMask> superpixels(Tensor inputs, int regions, double compactness) {
        long[] shape = inputs.shape();
        if (shape.length != 4 || regions < 1) {
            throw new LoupeException("superpixel masks need images [N, C, H, W] and at least one superpixel; got "
                    + inputs.shapeString() + " and " + regions + " (use a grid or .npy mask instead)");
        }
        int c = Math.toIntExact(shape[1]);
        int h = Math.toIntExact(shape[2]);
        int w = Math.toIntExact(shape[3]);
        long[] itemShape = Arrays.copyOfRange(shape, 1, 4);
        List<FeatureMask> masks = new ArrayList<>(inputs.batchSize());
        for (int i = 0; i < inputs.batchSize(); i++) {
            int[] labels = Superpixels.slic(inputs.data(), i * c * h * w, c, h, w, regions, compactness);
            int[] ids = new int[c * h * w];
            for (int ch = 0; ch < c; ch++) {
                System.arraycopy(labels, 0, ids, ch * h * w, h * w);
            }
            masks.add(of(ids, itemShape));
        }
        return masks;
    }

    /**
     * The {@code mask} parameter, shared by the perturbation methods.
     *
     * @param defaultSpec its default, e.g. {@code grid:8}
     * @return the spec
     */
    public static ParameterSpec parameter(String defaultSpec) {
        return ParameterSpec.string("mask", defaultSpec, "the features perturbed together: " + FORMS);
    }

    /** @return the number of features */
    public int features() {
        return features;
    }

    /** @return the shape of one input this mask covers */
    public long[] itemShape() {
        return itemShape.clone();
    }

    /** @return the number of elements of one input */
    public int size() {
        return ids.length;
    }

    /** @return the feature of element {@code k} (row-major index within one input) */
    public int id(int k) {
        return ids[k];
    }

    /** @return the element indices of feature {@code f}, ascending (a copy) */
    public int[] elements(int f) {
        return Arrays.copyOfRange(elements, starts[f], starts[f + 1]);
    }

    /**
     * Writes an input with one feature replaced by the substrate.
     *
     * @param input the original values, from {@code inputOffset}
     * @param substrate the replacement values, from {@code substrateOffset}
     * @param feature the feature to replace
     * @param dest where to write one input, from {@code destOffset}
     */
    public void ablate(float[] input, int inputOffset, float[] substrate, int substrateOffset, int feature,
            float[] dest, int destOffset) {
        System.arraycopy(input, inputOffset, dest, destOffset, ids.length);
        for (int p = starts[feature]; p < starts[feature + 1]; p++) {
            int k = elements[p];
            dest[destOffset + k] = substrate[substrateOffset + k];
        }
    }

    /**
     * Writes an input where the features of a coalition keep their values and the others take the
     * substrate's.
     *
     * @param input the original values, from {@code inputOffset}
     * @param substrate the replacement values, from {@code substrateOffset}
     * @param present per feature: true keeps the input, false takes the substrate
     * @param dest where to write one input, from {@code destOffset}
     */
    public void compose(float[] input, int inputOffset, float[] substrate, int substrateOffset, boolean[] present,
            float[] dest, int destOffset) {
        for (int k = 0; k < ids.length; k++) {
            dest[destOffset + k] = present[ids[k]] ? input[inputOffset + k] : substrate[substrateOffset + k];
        }
    }

    /**
     * Spreads one value per feature over the elements.
     *
     * @param values one value per feature
     * @param dest where to write one input's elements, from {@code destOffset}
     */
    public void spread(double[] values, float[] dest, int destOffset) {
        for (int k = 0; k < ids.length; k++) {
            dest[destOffset + k] = (float) values[ids[k]];
        }
    }

    private static long size(long[] shape) {
        long s = 1;
        for (long d : shape) {
            s *= d;
        }
        return s;
    }
}
