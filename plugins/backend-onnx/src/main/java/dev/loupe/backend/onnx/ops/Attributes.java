package dev.loupe.backend.onnx.ops;

import dev.loupe.backend.onnx.proto.OnnxProto.Attribute;
import dev.loupe.backend.onnx.proto.OnnxProto.TensorData;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Typed access to a node's attributes with ONNX defaults. */
public final class Attributes {
    private final Map<String, Attribute> values;

    /** @param values attributes by name */
    public Attributes(Map<String, Attribute> values) {
        this.values = Map.copyOf(values);
    }

    /** @return whether the attribute is present */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** @return the int attribute, or {@code fallback} */
    public long getInt(String name, long fallback) {
        Attribute a = values.get(name);
        return a == null ? fallback : a.i();
    }

    /** @return the float attribute, or {@code fallback} */
    public float getFloat(String name, float fallback) {
        Attribute a = values.get(name);
        return a == null ? fallback : a.f();
    }

    /** @return the string attribute, or {@code fallback} */
    public String getString(String name, String fallback) {
        Attribute a = values.get(name);
        return a == null || a.s() == null ? fallback : new String(a.s(), StandardCharsets.UTF_8);
    }

    /** @return the ints attribute, or {@code fallback} (may be null) */
    public long[] getInts(String name, long[] fallback) {
        Attribute a = values.get(name);
        return a == null ? fallback : a.ints();
    }

    /** @return the ints attribute as ints, or {@code fallback} (may be null) */
    public int[] getIntArray(String name, int[] fallback) {
        long[] v = getInts(name, null);
        if (v == null) {
            return fallback;
        }
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.toIntExact(v[i]);
        }
        return out;
    }

    /** @return the floats attribute, or {@code fallback} (may be null) */
    public float[] getFloats(String name, float[] fallback) {
        Attribute a = values.get(name);
        return a == null ? fallback : a.floats();
    }

    /** @return the tensor attribute, or null */
    public TensorData getTensor(String name) {
        Attribute a = values.get(name);
        return a == null ? null : a.t();
    }

    /** @return the raw attribute, or null */
    public Attribute get(String name) {
        return values.get(name);
    }

    /** @return the attribute names */
    public java.util.Set<String> names() {
        return values.keySet();
    }
}
