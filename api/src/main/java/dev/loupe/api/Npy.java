package dev.loupe.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1–3, C order). Attributions, model
 * inputs and references are exchanged in this format.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=]?)([a-zA-Z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** The raw content of an {@code .npy} file: element type, shape and little-endian bytes. */
    private record Raw(char kind, int width, long[] shape, ByteBuffer data) {
        long count() {
            return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        }
    }

    /**
     * Reads any numeric {@code .npy} file as float32.
     *
     * @param file the file to read
     * @return its values converted to float, with its shape
     * @throws IOException if the file cannot be read or is not a numeric {@code .npy}
     */
    public static Tensor readFloats(Path file) throws IOException {
        Raw raw = read(file);
        int n = Math.toIntExact(raw.count());
        float[] out = new float[n];
        ByteBuffer b = raw.data();
        for (int i = 0; i < n; i++) {
            out[i] = (float) value(raw, b);
        }
        return new Tensor(out, raw.shape());
    }

    /**
     * Reads an integer (or integral float) {@code .npy} file as longs, e.g. a list of targets.
     *
     * @param file the file to read
     * @return the values in order (shape flattened)
     * @throws IOException if the file cannot be read or holds non-integral values
     */
    public static long[] readLongs(Path file) throws IOException {
        Raw raw = read(file);
        int n = Math.toIntExact(raw.count());
        long[] out = new long[n];
        ByteBuffer b = raw.data();
        for (int i = 0; i < n; i++) {
            double v = value(raw, b);
            if (v != Math.rint(v)) {
                throw new IOException(file + ": expected integers, found " + v);
            }
            out[i] = (long) v;
        }
        return out;
    }

    /**
     * Reads the shape of an {@code .npy} file without its data.
     *
     * @param file the file
     * @return its shape
     * @throws IOException if it is not an {@code .npy} file
     */
    public static long[] readShape(Path file) throws IOException {
        return read(file).shape();
    }

    /**
     * Writes a float32 {@code .npy} file.
     *
     * @param file the file to write
     * @param tensor the values and shape
     * @throws IOException if writing fails
     */
    public static void write(Path file, Tensor tensor) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(tensor.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(tensor.data());
        write(file, "<f4", tensor.shape(), b.array());
    }

    /**
     * Writes an int64 {@code .npy} file.
     *
     * @param file the file to write
     * @param values the values
     * @param shape their shape
     * @throws IOException if writing fails
     */
    public static void writeLongs(Path file, long[] values, long... shape) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        write(file, "<i8", shape, b.array());
    }

    private static void write(Path file, String descr, long[] shape, byte[] data) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        if (shape.length > 1) {
            dims.setLength(dims.length() - 2);
        } else if (shape.length == 1) {
            dims.setLength(dims.length() - 1);
        }
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int unpadded = MAGIC.length + 2 + 2 + header.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(MAGIC);
            out.write(new byte[] {1, 0});
            byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
            out.write(new byte[] {(byte) (h.length & 0xff), (byte) (h.length >> 8)});
            out.write(h);
            out.write(data);
        }
    }

    private static Raw read(Path file) throws IOException {
        byte[] all;
        try (InputStream in = Files.newInputStream(file)) {
            all = in.readAllBytes();
        }
        if (all.length < 10 || !Arrays.equals(Arrays.copyOf(all, 6), MAGIC)) {
            throw new IOException(file + " is not a NumPy .npy file (bad magic)");
        }
        int major = all[6];
        int headerLen;
        int offset;
        ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            headerLen = Short.toUnsignedInt(bb.getShort(8));
            offset = 10;
        } else {
            headerLen = bb.getInt(8);
            offset = 12;
        }
        String header = new String(all, offset, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !s.find()) {
            throw new IOException(file + ": unreadable .npy header: " + header.trim());
        }
        if (f.find() && f.group(1).equals("True")) {
            throw new IOException(file + ": Fortran-order arrays are not supported; save with np.ascontiguousarray");
        }
        if (">".equals(d.group(1))) {
            throw new IOException(file + ": big-endian arrays are not supported");
        }
        char kind = d.group(2).charAt(0);
        int width = Integer.parseInt(d.group(3));
        if ("fiub".indexOf(kind) < 0 || (kind == 'f' && width != 4 && width != 8)) {
            throw new IOException(file + ": unsupported dtype " + d.group(2) + width
                    + " (use float32, float64 or an integer type)");
        }
        long[] shape = Arrays.stream(s.group(1).split(","))
                .map(String::trim).filter(t -> !t.isEmpty()).mapToLong(Long::parseLong).toArray();
        int dataStart = offset + headerLen;
        ByteBuffer data = ByteBuffer.wrap(all, dataStart, all.length - dataStart).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        Raw raw = new Raw(kind, width, shape, data);
        if (data.remaining() < raw.count() * width) {
            throw new IOException(file + ": truncated .npy file (shape " + Arrays.toString(shape)
                    + " needs " + raw.count() * width + " bytes, found " + data.remaining() + ")");
        }
        return raw;
    }

    private static double value(Raw raw, ByteBuffer b) {
        return switch (raw.kind()) {
            case 'f' -> raw.width() == 4 ? b.getFloat() : b.getDouble();
            case 'b' -> b.get() != 0 ? 1 : 0;
            case 'u' -> switch (raw.width()) {
                case 1 -> Byte.toUnsignedInt(b.get());
                case 2 -> Short.toUnsignedInt(b.getShort());
                case 4 -> Integer.toUnsignedLong(b.getInt());
                default -> b.getLong();
            };
            default -> switch (raw.width()) {
                case 1 -> b.get();
                case 2 -> b.getShort();
                case 4 -> b.getInt();
                default -> b.getLong();
            };
        };
    }
}
