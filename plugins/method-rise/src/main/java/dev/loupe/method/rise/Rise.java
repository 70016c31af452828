package dev.loupe.method.rise;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.perturbation.PerturbationSweep;
import dev.loupe.perturbation.Substrate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * RISE (Petsiuk, Das & Saenko 2018): the model scores {@code N} randomly masked copies of each image;
 * the saliency of a pixel is {@code Σ score · mask / (N · p)}, the expected score when the pixel is
 * kept. Masks are random {@code grid × grid} binary patterns (each cell kept with probability
 * {@code p}), upsampled bilinearly to {@code grid + 1} cells and cropped at a random shift, so they
 * are smooth and not aligned to the grid. A masked copy is {@code baseline + mask · (x − baseline)}:
 * with the default baseline 0 it is RISE's {@code mask · x}; a blurred or mean substrate is possible
 * too (perturbation-core's {@link Substrate}). Forward passes only.
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + Rise.ID)
public final class Rise implements Explainer {
    /** The method id. */
    public static final String ID = "rise";
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "RISE", "perturbation",
            "Petsiuk, Das & Saenko 2018, RISE: Randomized Input Sampling for Explanation of Black-box Models",
            Set.of(Capability.FORWARD),
            parameters(),
            "The expected class score over random smooth masks that keep each pixel: high where keeping "
                    + "the pixel keeps the score.");

    private static List<ParameterSpec> parameters() {
        List<ParameterSpec> p = new ArrayList<>(List.of(
                ParameterSpec.integer("masks", 4000, 1, 1_000_000, "random masks per input"),
                ParameterSpec.integer("grid", 7, 1, 4096, "cells per side of a mask's binary pattern"),
                ParameterSpec.number("p", 0.5, 1e-3, 1, "probability that a cell is kept"),
                ParameterSpec.integer("seed", 0, 0, Integer.MAX_VALUE, "seed of the masks")));
        // RISE multiplies the input by the mask: masked-out elements become 0
        p.addAll(Substrate.parameters("0"));
        return p;
    }

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        DESCRIPTOR.checkSupportedBy(model);
        long[] s = inputs.shape();
        if (s.length != 4) {
            throw new LoupeException("rise masks images: it needs inputs [N, C, H, W], got " + inputs.shapeString());
        }
        int grid = request.intParam("grid");
        int h = Math.toIntExact(s[2]);
        int w = Math.toIntExact(s[3]);
        if (grid > Math.min(h, w)) {
            throw new LoupeException("rise: grid " + grid + " is finer than the " + h + "x" + w
                    + " input; choose --param grid=" + Math.min(h, w) + " or less");
        }
        RiseMasks masks = RiseMasks.random(request.intParam("masks"), grid, request.doubleParam("p"), h, w,
                request.intParam("seed"));
        return explain(model, inputs, request, context, masks);
    }

    /** RISE with given masks; the request's {@code masks}, {@code grid} and {@code seed} are not read. */
    Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context, RiseMasks masks) {
        long start = System.nanoTime();
        long[] s = inputs.shape();
        int n = inputs.batchSize();
        int channels = Math.toIntExact(s[1]);
        int h = Math.toIntExact(s[2]);
        int w = Math.toIntExact(s[3]);
        int plane = h * w;
        int item = channels * plane;
        int count = masks.count();
        Substrate substrate = Substrate.from(request);
        float[] base = substrate.of(inputs).data();
        float[] x = inputs.data();
        float[][] scores = new PerturbationSweep(model, request.objective(), inputs, context).objectives(count,
                (input, sample, dest, offset) -> {
                    float[] mask = new float[plane];
                    masks.mask(sample, mask, new float[masks.grid() * w]);
                    int src = input * item;
                    for (int c = 0; c < channels; c++) {
                        int o = src + c * plane;
                        int d = offset + c * plane;
                        for (int p = 0; p < plane; p++) {
                            dest[d + p] = base[o + p] + mask[p] * (x[o + p] - base[o + p]);
                        }
                    }
                }, "masks");
        RiseMasks.Accumulator[] sums = new RiseMasks.Accumulator[n];
        for (int i = 0; i < n; i++) {
            sums[i] = masks.accumulator();
            for (int k = 0; k < count; k++) {
                sums[i].add(k, scores[i][k]);
            }
        }
        float[] map = new float[n * plane];
        double scale = 1.0 / (count * request.doubleParam("p"));
        for (int i = 0; i < n; i++) {
            sums[i].result(scale, map, i * plane);
        }
        return Attribution.of(ID, new Tensor(map, new long[] {n, 1, h, w}), request)
                .withDetail("evaluations", (long) n * count)
                .withDetail("baseline", substrate.describe())
                .withTiming("total", (System.nanoTime() - start) / 1e6);
    }
}
