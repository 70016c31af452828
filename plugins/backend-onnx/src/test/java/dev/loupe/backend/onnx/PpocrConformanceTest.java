package dev.loupe.backend.onnx;

import static dev.loupe.backend.onnx.Fixtures.load;
import static dev.loupe.backend.onnx.Fixtures.shared;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Tensor;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real pretrained networks (PaddleOCR's orientation classifier, text detector and recogniser) on
 * text rendered with Java2D: Loupe's ONNX backend must give ONNX Runtime's outputs, and the
 * predictions must be the right ones.
 */
class PpocrConformanceTest {
    private static final String PPOCR = "models/ppocr/";
    private static final String CLS = "ch_ppocr_mobile_v2.0_cls_infer.onnx";
    private static final String DET = "ch_PP-OCRv4_det_infer.onnx";
    private static final String REC = "ch_PP-OCRv4_rec_infer.onnx";
    private static final Path FONT_DIR = Path.of("/usr/share/fonts/truetype/dejavu");

    /** The rendered lines: text, font file (fonts-dejavu-core), ink and paper. */
    private record Line(String text, String font, Color ink, Color paper) {
    }

    private static final List<Line> LINES = List.of(
            new Line("HELLO WORLD 2024", "DejaVuSans.ttf", Color.BLACK, Color.WHITE),
            new Line("Invoice 58213", "DejaVuSerif.ttf", Color.BLACK, Color.WHITE),
            new Line("LINE 17 AT 42", "DejaVuSansMono-Bold.ttf", Color.BLACK, Color.WHITE),
            new Line("Total 1234.56", "DejaVuSans-Bold.ttf", new Color(20, 40, 160), new Color(250, 240, 200)),
            new Line("Order No 7731", "DejaVuSerif-Bold.ttf", new Color(150, 20, 20), new Color(225, 240, 255)),
            new Line("DESK 305", "DejaVuSansMono.ttf", Color.BLACK, Color.WHITE));

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    // ---------------------------------------------------------------- rendering

    private static Font font(String file, float size) {
        Path p = FONT_DIR.resolve(file);
        assumeTrue(Files.exists(p), "font absent: " + p + " (install fonts-dejavu-core)");
        try {
            return Font.createFont(Font.TRUETYPE_FONT, p.toFile()).deriveFont(size);
        } catch (FontFormatException e) {
            throw new IllegalStateException(p + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FontRenderContext context() {
        return new FontRenderContext(null, true, true);
    }

    /** A text line with a small margin, as a detector's crop would give it. */
    private static BufferedImage render(Line line) {
        Font f = font(line.font(), 40f);
        TextLayout layout = new TextLayout(line.text(), f, context());
        Rectangle ink = layout.getPixelBounds(context(), 0, 0);
        int margin = 6;
        BufferedImage img = new BufferedImage(ink.width + 2 * margin, ink.height + 2 * margin,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(line.paper());
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setColor(line.ink());
            layout.draw(g, margin - ink.x, margin - ink.y);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static BufferedImage rotate180(BufferedImage src) {
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.setRGB(w - 1 - x, h - 1 - y, src.getRGB(x, y));
            }
        }
        return out;
    }

    private static BufferedImage resize(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * PaddleOCR's line preprocessing (cls and rec): resize to height 48 keeping the aspect ratio,
     * width at most {@code width}; BGR; (v/255 − 0.5)/0.5; right-padded with 0 to {@code width}.
     *
     * @return [3, 48, width] written into {@code out} at {@code offset}
     */
    private static void lineInput(BufferedImage img, int width, float[] out, int offset) {
        int h = 48;
        int w = (int) Math.min(width, Math.ceil(h * (double) img.getWidth() / img.getHeight()));
        BufferedImage r = resize(img, w, h);
        int plane = h * width;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = r.getRGB(x, y);
                float red = (rgb >> 16) & 0xff;
                float green = (rgb >> 8) & 0xff;
                float blue = rgb & 0xff;
                int at = offset + y * width + x;
                out[at] = (blue / 255f - 0.5f) / 0.5f;
                out[at + plane] = (green / 255f - 0.5f) / 0.5f;
                out[at + 2 * plane] = (red / 255f - 0.5f) / 0.5f;
            }
        }
    }

    private static Tensor lineBatch(List<BufferedImage> images, int width) {
        int item = 3 * 48 * width;
        float[] data = new float[images.size() * item];
        for (int i = 0; i < images.size(); i++) {
            lineInput(images.get(i), width, data, i * item);
        }
        return new Tensor(data, new long[] {images.size(), 3, 48, width});
    }

    // ---------------------------------------------------------------- ONNX Runtime

    private static Tensor ort(Path model, Tensor input) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(model.toString(), options);
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.data()), input.shape());
                OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), x))) {
            OnnxTensor y = (OnnxTensor) result.get(0);
            FloatBuffer b = y.getFloatBuffer();
            float[] data = new float[b.remaining()];
            b.get(data);
            return new Tensor(data, y.getInfo().getShape());
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on " + model.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** Loads, runs once and prints the times. */
    private static Tensor loupe(Path model, String output, Tensor input, String what) {
        long t0 = System.nanoTime();
        try (ExplainableModel m = load(model, Map.of("output", output))) {
            long loaded = System.nanoTime();
            Tensor out = m.predict(input);
            System.out.printf("%s: Loupe load %d ms, first predict %d ms%n", what, (loaded - t0) / 1_000_000,
                    millis(loaded));
            return out;
        }
    }

    /** Opens a session, runs once and prints the time. */
    private static Tensor ort(Path model, Tensor input, String what) {
        long t0 = System.nanoTime();
        Tensor out = ort(model, input);
        System.out.printf("%s: ONNX Runtime session + run %d ms%n", what, millis(t0));
        return out;
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        assertArrayEquals(a.shape(), b.shape(), "shapes");
        double d = 0;
        for (int i = 0; i < a.data().length; i++) {
            d = Math.max(d, Math.abs(a.data()[i] - b.data()[i]));
        }
        return d;
    }

    private static void assertSame(Tensor ort, Tensor loupe, double tol, String what) {
        double d = maxAbsDiff(ort, loupe);
        System.out.printf("%s: max |loupe - ort| = %.3g over %d values%n", what, d, ort.data().length);
        assertTrue(d <= tol, what + ": max |loupe - ort| = " + d + " > " + tol);
    }

    private static int argmax(float[] v, int from, int count) {
        int best = 0;
        for (int i = 1; i < count; i++) {
            if (v[from + i] > v[from + best]) {
                best = i;
            }
        }
        return best;
    }

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    // ---------------------------------------------------------------- cls

    @Test
    void orientationClassifierMatchesOnnxRuntimeAndSeesUpsideDownLines() {
        Path model = shared(PPOCR + CLS);
        List<BufferedImage> images = new ArrayList<>();
        LINES.forEach(l -> images.add(render(l)));
        LINES.forEach(l -> images.add(rotate180(render(l))));
        Tensor batch = lineBatch(images, 192);

        String what = "cls " + images.size() + "x3x48x192";
        Tensor expected = ort(model, batch, what);
        long t0 = System.nanoTime();
        try (ExplainableModel m = load(model, Map.of("output", "softmax_0.tmp_0"))) {
            long loaded = System.nanoTime();
            Tensor actual = m.predict(batch);
            System.out.printf("%s: Loupe load %d ms, first predict %d ms%n", what, (loaded - t0) / 1_000_000,
                    millis(loaded));
            assertSame(expected, actual, 1e-4, "cls softmax_0.tmp_0");

            int n = LINES.size();
            for (int i = 0; i < images.size(); i++) {
                int want = i < n ? 0 : 1;
                String line = (i < n ? "upright '" : "rotated '") + LINES.get(i % n).text() + "'";
                assertEquals(want, argmax(actual.data(), 2 * i, 2), line + ": probabilities "
                        + actual.data()[2 * i] + ", " + actual.data()[2 * i + 1]);
                assertEquals(want, argmax(expected.data(), 2 * i, 2), line + " (ONNX Runtime)");
            }

            // dynamic batch: each line alone gives what it got in the batch
            for (int i = 0; i < images.size(); i++) {
                Tensor single = m.predict(batch.item(i));
                assertArrayEquals(new long[] {1, 2}, single.shape());
                for (int c = 0; c < 2; c++) {
                    assertEquals(actual.data()[2 * i + c], single.data()[c], 1e-5, "line " + i + " alone, class " + c);
                }
            }
        }
    }

    // ---------------------------------------------------------------- det

    @Test
    void detectorMatchesOnnxRuntimeAndFindsTheText() {
        Path model = shared(PPOCR + DET);
        int width = 640;
        int height = 480;
        BufferedImage page = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        List<Rectangle> boxes = new ArrayList<>();
        String[] texts = {"Loupe reads real text", "ONNX 2025 conformance", "Page 3 of 12"};
        String[] fonts = {"DejaVuSans.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSansMono.ttf"};
        Graphics2D g = page.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.BLACK);
            for (int i = 0; i < texts.length; i++) {
                TextLayout layout = new TextLayout(texts[i], font(fonts[i], 36f), context());
                int x = 40;
                int y = 110 + 130 * i;
                layout.draw(g, x, y);
                Rectangle r = layout.getPixelBounds(context(), x, y);
                boxes.add(r);
            }
        } finally {
            g.dispose();
        }
        // PaddleOCR's det preprocessing: BGR, v/255, ImageNet mean and std in that channel order
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        float[] data = new float[3 * height * width];
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = page.getRGB(x, y);
                float[] bgr = {rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff};
                for (int c = 0; c < 3; c++) {
                    data[c * plane + y * width + x] = (bgr[c] / 255f - mean[c]) / std[c];
                }
            }
        }
        Tensor input = new Tensor(data, new long[] {1, 3, height, width});
        String what = "det 1x3x" + height + "x" + width;
        Tensor expected = ort(model, input, what);
        Tensor actual = loupe(model, "sigmoid_0.tmp_0", input, what);
        assertSame(expected, actual, 1e-3, "det sigmoid_0.tmp_0");
        assertArrayEquals(new long[] {1, 1, height, width}, actual.shape());

        // sanity: the map is high in the middle band of every line, low far from the text
        float[] map = actual.data();
        for (int i = 0; i < boxes.size(); i++) {
            Rectangle r = boxes.get(i);
            double sum = 0;
            int count = 0;
            for (int y = r.y + r.height / 3; y < r.y + 2 * r.height / 3; y++) {
                for (int x = r.x + r.width / 10; x < r.x + 9 * r.width / 10; x++) {
                    sum += map[y * width + x];
                    count++;
                }
            }
            double inside = sum / count;
            System.out.printf("det line %d '%s' %s: mean probability in its middle band %.3f%n", i, texts[i],
                    r, inside);
            assertTrue(inside > 0.5, "line '" + texts[i] + "': mean text probability " + inside);
        }
        double sum = 0;
        int count = 0;
        float max = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                final int px = x;
                final int py = y;
                boolean near = boxes.stream().anyMatch(r -> px >= r.x - 20 && px < r.x + r.width + 20
                        && py >= r.y - 20 && py < r.y + r.height + 20);
                if (!near) {
                    sum += map[y * width + x];
                    count++;
                    max = Math.max(max, map[y * width + x]);
                }
            }
        }
        double background = sum / count;
        System.out.printf("det background (>20 px from text): mean %.4f, max %.4f over %d pixels%n", background, max,
                count);
        assertTrue(background < 0.05, "background mean text probability " + background);
        assertTrue(max < 0.5, "background max text probability " + max);
    }

    // ---------------------------------------------------------------- rec

    /** ppocr_keys_v1.txt as class names: 0 the CTC blank, i its line i − 1, the last a space. */
    private static List<String> characters() {
        try {
            List<String> keys = Files.readAllLines(shared(PPOCR + "ppocr_keys_v1.txt"), StandardCharsets.UTF_8);
            List<String> classes = new ArrayList<>();
            classes.add("");
            classes.addAll(keys);
            classes.add(" ");
            return classes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Greedy CTC: the best class per step, repeats collapsed, blanks dropped. */
    private static String decode(Tensor probabilities, int item, List<String> classes) {
        int steps = (int) probabilities.shape()[1];
        int width = (int) probabilities.shape()[2];
        StringBuilder text = new StringBuilder();
        int previous = -1;
        for (int t = 0; t < steps; t++) {
            int best = argmax(probabilities.data(), (item * steps + t) * width, width);
            if (best != 0 && best != previous) {
                text.append(classes.get(best));
            }
            previous = best;
        }
        return text.toString();
    }

    @Test
    void recogniserMatchesOnnxRuntimeAndReadsTheLines() {
        Path model = shared(PPOCR + REC);
        List<String> classes = characters();
        List<BufferedImage> images = new ArrayList<>();
        LINES.forEach(l -> images.add(render(l)));
        Tensor batch = lineBatch(images, 320);

        String what = "rec " + images.size() + "x3x48x320";
        Tensor expected = ort(model, batch, what);
        Tensor actual = loupe(model, "softmax_11.tmp_0", batch, what);
        assertSame(expected, actual, 1e-3, "rec softmax_11.tmp_0");
        assertEquals(classes.size(), actual.shape()[2], "classes: blank + keys + space");

        List<String> read = new ArrayList<>();
        for (int i = 0; i < LINES.size(); i++) {
            read.add(decode(actual, i, classes));
            assertEquals(decode(expected, i, classes), read.get(i), "ONNX Runtime reads the same");
        }
        System.out.println("rec read: " + read);
        assertEquals(LINES.stream().map(Line::text).toList(), read);
    }
}
