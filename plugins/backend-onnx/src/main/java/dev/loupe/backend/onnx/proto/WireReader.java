package dev.loupe.backend.onnx.proto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads the protobuf wire format, field by field. ONNX files are protobuf messages; the few message
 * types a backend needs are decoded by hand ({@link OnnxReader}) so the bundle needs no protobuf
 * runtime or generated code.
 */
final class WireReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final ByteBuffer buf;
    private final int end;
    private int tag;

    WireReader(ByteBuffer buf) {
        this.buf = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.end = this.buf.limit();
    }

    private WireReader(ByteBuffer buf, int end) {
        this.buf = buf;
        this.end = end;
    }

    /** @return whether another field follows; then {@link #field()} and {@link #wireType()} describe it */
    boolean next() {
        if (buf.position() >= end) {
            return false;
        }
        tag = (int) varint();
        return true;
    }

    int field() {
        return tag >>> 3;
    }

    int wireType() {
        return tag & 7;
    }

    long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = buf.get();
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new IllegalStateException("malformed varint at byte " + buf.position());
    }

    float fixed32Float() {
        return buf.getFloat();
    }

    /** @return a reader over the length-delimited field that follows (a nested message) */
    WireReader message() {
        int length = length();
        int start = buf.position();
        WireReader nested = new WireReader(buf.duplicate().order(ByteOrder.LITTLE_ENDIAN), start + length);
        buf.position(start + length);
        return nested;
    }

    /** @return the bytes of the length-delimited field that follows, as a view */
    ByteBuffer bytes() {
        int length = length();
        ByteBuffer view = buf.slice(buf.position(), length).order(ByteOrder.LITTLE_ENDIAN);
        buf.position(buf.position() + length);
        return view;
    }

    String string() {
        ByteBuffer b = bytes();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.UTF_8);
    }

    /** Reads a repeated int64/int32 field that may be packed or not; appends to {@code out}. */
    void int64s(LongList out) {
        if (wireType() == LENGTH_DELIMITED) {
            WireReader packed = message();
            while (packed.buf.position() < packed.end) {
                out.add(packed.varint());
            }
        } else {
            out.add(varint());
        }
    }

    /** Reads a repeated float field that may be packed or not. */
    void floats(FloatList out) {
        if (wireType() == LENGTH_DELIMITED) {
            ByteBuffer b = bytes();
            while (b.remaining() >= 4) {
                out.add(b.getFloat());
            }
        } else {
            out.add(fixed32Float());
        }
    }

    /** Reads a repeated fixed64 field (doubles, as raw bits) that may be packed or not. */
    void fixed64s(LongList out) {
        if (wireType() == LENGTH_DELIMITED) {
            ByteBuffer b = bytes();
            while (b.remaining() >= 8) {
                out.add(b.getLong());
            }
        } else {
            out.add(buf.getLong());
        }
    }

    void skip() {
        switch (wireType()) {
            case VARINT -> varint();
            case FIXED64 -> buf.position(buf.position() + 8);
            case LENGTH_DELIMITED -> {
                int length = length();
                buf.position(buf.position() + length);
            }
            case FIXED32 -> buf.position(buf.position() + 4);
            default -> throw new IllegalStateException("unsupported protobuf wire type " + wireType()
                    + " (field " + field() + ") at byte " + buf.position());
        }
    }

    private int length() {
        long length = varint();
        if (length < 0 || buf.position() + length > end) {
            throw new IllegalStateException("truncated protobuf field " + field() + ": " + length
                    + " bytes announced at byte " + buf.position() + ", message ends at " + end);
        }
        return (int) length;
    }

    /** A growable long array. */
    static final class LongList {
        private long[] values = new long[8];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }

        boolean isEmpty() {
            return size == 0;
        }
    }

    /** A growable float array. */
    static final class FloatList {
        private float[] values = new float[8];
        private int size;

        void add(float v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }

        boolean isEmpty() {
            return size == 0;
        }
    }
}
