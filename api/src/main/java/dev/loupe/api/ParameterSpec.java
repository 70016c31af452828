package dev.loupe.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One parameter of a method or metric: its name, type, default and allowed range or choices.
 * The host parses {@code --param key=value} against these specs, so a method receives typed,
 * validated values.
 *
 * @param name the key, e.g. {@code steps}
 * @param type the value type
 * @param defaultValue the default (of the type's Java class), or null when the parameter is optional
 * @param min the smallest allowed number, or null
 * @param max the largest allowed number, or null
 * @param choices the allowed values for {@link Type#CHOICE}, otherwise empty
 * @param description one line for {@code loupe methods}
 */
public record ParameterSpec(String name, Type type, Object defaultValue, Double min, Double max,
        List<String> choices, String description) {

    /** Parameter types and the Java class of their values. */
    public enum Type {
        /** {@link Integer}. */
        INTEGER,
        /** {@link Double}. */
        NUMBER,
        /** {@link Boolean}. */
        BOOLEAN,
        /** {@link String}. */
        STRING,
        /** {@link String}, one of {@link ParameterSpec#choices()}. */
        CHOICE,
        /** {@link String}, a file path. */
        FILE
    }

    /** Copies the choices and checks the default against the spec. */
    public ParameterSpec {
        choices = List.copyOf(choices);
        if (defaultValue != null) {
            defaultValue = parseValue(name, type, String.valueOf(defaultValue), min, max, choices);
        }
    }

    /** @return an integer parameter with a range */
    public static ParameterSpec integer(String name, int defaultValue, int min, int max, String description) {
        return new ParameterSpec(name, Type.INTEGER, defaultValue, (double) min, (double) max, List.of(), description);
    }

    /** @return a number parameter with a range */
    public static ParameterSpec number(String name, double defaultValue, double min, double max, String description) {
        return new ParameterSpec(name, Type.NUMBER, defaultValue, min, max, List.of(), description);
    }

    /** @return a boolean parameter */
    public static ParameterSpec bool(String name, boolean defaultValue, String description) {
        return new ParameterSpec(name, Type.BOOLEAN, defaultValue, null, null, List.of(), description);
    }

    /** @return a choice parameter; the default must be one of the choices */
    public static ParameterSpec choice(String name, String defaultValue, List<String> choices, String description) {
        return new ParameterSpec(name, Type.CHOICE, defaultValue, null, null, choices, description);
    }

    /** @return a free-text parameter; {@code defaultValue} may be null */
    public static ParameterSpec string(String name, String defaultValue, String description) {
        return new ParameterSpec(name, Type.STRING, defaultValue, null, null, List.of(), description);
    }

    /** @return a file parameter, optional (no default) */
    public static ParameterSpec file(String name, String description) {
        return new ParameterSpec(name, Type.FILE, null, null, null, List.of(), description);
    }

    /**
     * Parses and validates a raw value.
     *
     * @param raw the text given by the user
     * @return the typed value
     * @throws LoupeException saying what is allowed
     */
    public Object parse(String raw) {
        return parseValue(name, type, raw, min, max, choices);
    }

    /** @return type, default and range in a few words, e.g. {@code integer, default 50, 1..10000} */
    public String summary() {
        StringBuilder s = new StringBuilder(type.name().toLowerCase(Locale.ROOT));
        if (type == Type.CHOICE) {
            s.append(" ").append(String.join("|", choices));
        }
        if (defaultValue != null) {
            s.append(", default ").append(defaultValue);
        }
        if (min != null || max != null) {
            s.append(", ").append(min == null ? "" : format(min)).append("..").append(max == null ? "" : format(max));
        }
        return s.toString();
    }

    /**
     * Resolves user-given parameters against specs: parses each, fills in defaults.
     *
     * @param owner the method or metric id, for messages
     * @param specs the declared parameters
     * @param raw the user's values by key
     * @return every declared parameter with a value (given or default) in declaration order
     * @throws LoupeException for unknown keys (listing the known ones) or bad values
     */
    public static Map<String, Object> resolve(String owner, List<ParameterSpec> specs, Map<String, String> raw) {
        Map<String, ParameterSpec> byName = new LinkedHashMap<>();
        specs.forEach(p -> byName.put(p.name(), p));
        List<String> unknown = new ArrayList<>();
        for (String key : raw.keySet()) {
            if (!byName.containsKey(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new LoupeException(owner + " has no parameter " + String.join(", ", unknown) + "; its parameters are: "
                    + (byName.isEmpty() ? "(none)" : String.join(", ", byName.keySet())));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (ParameterSpec p : specs) {
            String given = raw.get(p.name());
            Object value = given != null ? p.parse(given) : p.defaultValue();
            if (value != null) {
                out.put(p.name(), value);
            }
        }
        return out;
    }

    private static Object parseValue(String name, Type type, String raw, Double min, Double max, List<String> choices) {
        String v = raw.trim();
        try {
            Object value = switch (type) {
                case INTEGER -> Integer.parseInt(v);
                case NUMBER -> Double.parseDouble(v);
                case BOOLEAN -> parseBoolean(v);
                case STRING, FILE -> v;
                case CHOICE -> {
                    if (!choices.contains(v)) {
                        throw new LoupeException("parameter " + name + " must be one of "
                                + String.join(", ", choices) + "; got '" + v + "'");
                    }
                    yield v;
                }
            };
            if (value instanceof Number n) {
                double d = n.doubleValue();
                if ((min != null && d < min) || (max != null && d > max)) {
                    throw new LoupeException("parameter " + name + " must lie in " + (min == null ? "" : format(min))
                            + ".." + (max == null ? "" : format(max)) + "; got " + v);
                }
            }
            return value;
        } catch (NumberFormatException e) {
            throw new LoupeException("parameter " + name + " must be " + (type == Type.INTEGER ? "an integer" : "a number")
                    + "; got '" + v + "'");
        }
    }

    private static Boolean parseBoolean(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new LoupeException("expected true or false; got '" + v + "'");
        };
    }

    private static String format(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }
}
